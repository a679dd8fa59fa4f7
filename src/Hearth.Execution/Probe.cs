namespace Hearth.Execution;

#pragma warning disable CS1591, CA1305, RS0030
public static class Probe
{
    private static readonly System.Collections.Concurrent.ConcurrentQueue<string> s_marks = new();
    public static readonly bool On = System.Environment.GetEnvironmentVariable("HEARTH_PROBE") is not null;

    public static void Mark(string what, string id)
    {
        if (On)
        {
            s_marks.Enqueue($"{DateTime.UtcNow:O} {Environment.CurrentManagedThreadId} {what} {id}");
        }
    }

    public static void Flush()
    {
        if (On)
        {
            File.WriteAllLines(System.Environment.GetEnvironmentVariable("HEARTH_PROBE")!, s_marks);
        }
    }
}
