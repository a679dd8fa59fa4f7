using System.Globalization;

namespace Hearth.Templates.Yaql;

/// <summary>The part of yaql's date_time library that templates use: building datetimes and timespans, and their properties.</summary>
internal static class YaqlDateTime
{
    public static void Register(YaqlLibrary.Registrar add)
    {
        add("datetime", YaqlFunctionKind.Function, ["year", "month", "day", "hour", "minute", "second", "microsecond"], site =>
        {
            switch (site.Value(0))
            {
                case string text:
                    return DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AllowWhiteSpaces, out var parsed)
                        ? parsed.DateTime
                        : throw new YaqlEvaluationException($"datetime(): cannot read {YaqlText.PyRepr(text)} as a date");
                case long or double when site.Count == 1:
                    return DateTime.UnixEpoch.AddTicks((long)(YaqlNumbers.Float(site.Value(0)!) * TimeSpan.TicksPerSecond));
                default:
                    return new DateTime((int)site.Int(0), (int)site.Int(1), (int)site.Int(2), (int)site.IntOr(3, 0), (int)site.IntOr(4, 0), (int)site.IntOr(5, 0))
                        .AddTicks(site.IntOr(6, 0) * 10);
            }
        });
        add("timespan", YaqlFunctionKind.Function, ["days", "hours", "minutes", "seconds", "milliseconds", "microseconds"], site =>
            TimeSpan.FromDays(site.IntOr(0, 0)) + TimeSpan.FromHours(site.IntOr(1, 0)) + TimeSpan.FromMinutes(site.IntOr(2, 0))
            + TimeSpan.FromSeconds(site.IntOr(3, 0)) + TimeSpan.FromMilliseconds(site.IntOr(4, 0)) + TimeSpan.FromTicks(site.IntOr(5, 0) * 10));
        // now() would make a template's value change on every evaluation; Hearth refuses it rather than read the clock here.
        add("now", YaqlFunctionKind.Function, [], _ => throw new YaqlEvaluationException("now() is not supported by Hearth: a template's values must not depend on the clock"));
        add("isDatetime", YaqlFunctionKind.Function, ["value"], site => site.Value(0) is DateTime);
        add("isTimespan", YaqlFunctionKind.Function, ["value"], site => site.Value(0) is TimeSpan);
    }

    /// <summary><c>dt.year</c>, <c>ts.hours</c>, …; null when the value has no such property.</summary>
    public static object? Property(object? value, string name) => (value, name) switch
    {
        (DateTime d, "year") => (long)d.Year,
        (DateTime d, "month") => (long)d.Month,
        (DateTime d, "day") => (long)d.Day,
        (DateTime d, "hour") => (long)d.Hour,
        (DateTime d, "minute") => (long)d.Minute,
        (DateTime d, "second") => (long)d.Second,
        (DateTime d, "microsecond") => (long)(d.Ticks % TimeSpan.TicksPerSecond / 10),
        (DateTime d, "weekday") => (long)(((int)d.DayOfWeek + 6) % 7),
        (DateTime d, "date") => d.Date,
        (TimeSpan t, "days") => t.TotalDays,
        (TimeSpan t, "hours") => t.TotalHours,
        (TimeSpan t, "minutes") => t.TotalMinutes,
        (TimeSpan t, "seconds") => t.TotalSeconds,
        (TimeSpan t, "milliseconds") => t.TotalMilliseconds,
        (TimeSpan t, "microseconds") => t.Ticks / 10.0,
        _ => null,
    };
}
