using System.Numerics;

namespace Hearth.Templates.Yaql;

/// <summary>Python number semantics: unbounded integers, floor division and modulo, true/false as 1/0.</summary>
internal static class YaqlNumbers
{
    public static bool IsInteger(object? value) => value is long or BigInteger or bool;

    public static BigInteger Big(object value) => value switch
    {
        long l => l,
        BigInteger b => b,
        bool b => b ? 1 : 0,
        _ => throw new InvalidOperationException(),
    };

    public static double Float(object value) => value switch
    {
        long l => l,
        BigInteger b => (double)b,
        bool b => b ? 1 : 0,
        double d => d,
        _ => throw new InvalidOperationException(),
    };

    public static object Normalize(BigInteger value) => value >= long.MinValue && value <= long.MaxValue ? (object)(long)value : value;

    public static int Compare(object a, object b) => IsInteger(a) && IsInteger(b)
        ? Big(a).CompareTo(Big(b))
        : Float(a).CompareTo(Float(b));

    public static object Add(object a, object b) => IsInteger(a) && IsInteger(b) ? Normalize(Big(a) + Big(b)) : Float(a) + Float(b);

    public static object Subtract(object a, object b) => IsInteger(a) && IsInteger(b) ? Normalize(Big(a) - Big(b)) : Float(a) - Float(b);

    public static object Multiply(object a, object b) => IsInteger(a) && IsInteger(b) ? Normalize(Big(a) * Big(b)) : Float(a) * Float(b);

    public static object Divide(object a, object b)
    {
        if (IsInteger(a) && IsInteger(b))
        {
            var divisor = Big(b);
            if (divisor.IsZero)
            {
                throw new YaqlEvaluationException("integer division by zero");
            }

            var dividend = Big(a);
            var quotient = BigInteger.DivRem(dividend, divisor, out var remainder);
            if (!remainder.IsZero && (remainder.Sign < 0) != (divisor.Sign < 0))
            {
                quotient -= 1;
            }

            return Normalize(quotient);
        }

        var d = Float(b);
        return d == 0 ? throw new YaqlEvaluationException("float division by zero") : Float(a) / d;
    }

    public static object Modulo(object a, object b)
    {
        if (IsInteger(a) && IsInteger(b))
        {
            var divisor = Big(b);
            if (divisor.IsZero)
            {
                throw new YaqlEvaluationException("integer division or modulo by zero");
            }

            var remainder = BigInteger.Remainder(Big(a), divisor);
            if (!remainder.IsZero && (remainder.Sign < 0) != (divisor.Sign < 0))
            {
                remainder += divisor;
            }

            return Normalize(remainder);
        }

        var m = Float(b);
        if (m == 0)
        {
            throw new YaqlEvaluationException("float modulo by zero");
        }

        var r = Float(a) % m;
        return r != 0 && (r < 0) != (m < 0) ? r + m : r;
    }

    public static object Negate(object a) => IsInteger(a) ? Normalize(-Big(a)) : -Float(a);
}
