using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;

namespace Hearth.Execution.Ssh;

/// <summary>
/// The pipe between the engine and one host's dispatcher (<see cref="RemoteScripts.Dispatcher"/>): the engine's own ssh
/// process (<see cref="ProcessLink"/>), or a session an <see cref="SshSessionBroker"/> keeps (<see cref="BrokerLink"/>).
/// </summary>
[UnsupportedOSPlatform("windows")]
internal interface IDispatcherLink : IAsyncDisposable
{
    /// <summary>The dispatcher's frames (see <see cref="DispatcherFrames"/>).</summary>
    Stream Replies { get; }

    /// <summary>Sends one request, whole: nothing else comes between its bytes.</summary>
    /// <exception cref="IOException">The dispatcher is gone.</exception>
    Task SendAsync(ReadOnlyMemory<byte> request);

    /// <summary>Once <see cref="Replies"/> ended: how the dispatcher's ssh ended, as far as this side can tell.</summary>
    Task<(int? ExitCode, string Said)> EndedAsync();

    /// <summary>
    /// Ends this engine's use of the dispatcher; <see cref="Replies"/> then ends too (read it to its end, then dispose).
    /// <paramref name="idle"/>: no request waits for a reply, so a kept session may serve the next engine; otherwise it
    /// is ended (the runs it started go on, detached, on the host).
    /// </summary>
    ValueTask CloseAsync(bool idle);
}

/// <summary>
/// Frames on a dispatcher's output: <c>TAG CODE LENGTH\n</c> and LENGTH bytes. A broker adds one of its own when the ssh
/// it kept ended (or could not start): <c>end CODE LENGTH\n</c> and what ssh said.
/// </summary>
internal static class DispatcherFrames
{
    /// <summary>The tag of a broker's last frame: the session's ssh ended with CODE, having said the frame's bytes.</summary>
    public const string EndTag = "end";

    /// <summary>The longest header line (three numbers and two spaces, with room to spare).</summary>
    private const int MaxHeader = 128;

    /// <summary>
    /// The longest frame read: a run's reply holds the tails of its stdout and stderr and its outputs, each at most
    /// <see cref="SshOptions.MaxCapturedBytes"/> (1 MiB); a frame past this is no dispatcher's, and is not read into memory.
    /// </summary>
    public const int MaxFrame = 256 * 1024 * 1024;

    /// <summary>"TAG CODE LENGTH\n", or null at the end of the stream.</summary>
    /// <exception cref="NotAFrameException">Not a header: the stream is not a dispatcher's.</exception>
    /// <exception cref="IOException">The stream ended inside the line.</exception>
    public static async Task<(string Tag, int Code, int Length)?> ReadHeaderAsync(Stream stream)
    {
        var line = await ReadLineAsync(stream, MaxHeader);
        if (line is null)
        {
            return null;
        }

        return line.Split(' ') is [var tag, var code, var length]
            && tag.Length > 0
            && int.TryParse(code, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var c)
            && int.TryParse(length, NumberStyles.None, CultureInfo.InvariantCulture, out var n)
            && n <= MaxFrame
                ? (tag, c, n)
                : throw new NotAFrameException(line);
    }

    public static byte[] Header(string tag, int code, int length) =>
        Encoding.ASCII.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{tag} {code} {length}\n"));

    /// <summary>One line without its line break, or null at the end of the stream; a line longer than <paramref name="max"/> is an error.</summary>
    /// <exception cref="IOException">The line is too long.</exception>
    public static async Task<string?> ReadLineAsync(Stream stream, int max)
    {
        var line = new StringBuilder();
        var one = new byte[1];
        while (true)
        {
            if (await stream.ReadAsync(one, CancellationToken.None) == 0)
            {
                return line.Length == 0 ? null : throw new EndOfStreamException("the stream ended mid-line");
            }

            if (one[0] == '\n')
            {
                return line.ToString();
            }

            if (line.Length >= max)
            {
                throw new IOException($"a line longer than {max} bytes where a frame was expected");
            }

            line.Append((char)one[0]);
        }
    }
}

/// <summary>
/// What came where the dispatcher's next frame was to start was no frame: something else wrote to the session's stdout
/// (usually a login script of the SSH user that prints, which the dispatcher's output then follows). The session is of
/// no use; its ssh is ended rather than waited for (the dispatcher behind it would wait for requests forever).
/// </summary>
internal sealed class NotAFrameException(string line) : IOException(
    $"the host wrote '{(line.Length > 80 ? line[..80] + "…" : line)}' where Hearth's dispatcher was to answer: something the SSH user's login runs "
    + "writes to stdout (a ~/.bashrc, ~/.profile or /etc/profile.d script on the host); make it print nothing when the shell is not interactive")
{
    /// <summary>What a request gets instead of a reply: an answer (not a dropped connection, which would be tried again), with the reason.</summary>
    public const int ExitCode = 3;
}

/// <summary>The engine's own ssh process running the dispatcher: requests on its stdin, frames on its stdout.</summary>
[UnsupportedOSPlatform("windows")]
internal sealed class ProcessLink : IDispatcherLink
{
    private const int MaxStderr = 16 * 1024;

    private readonly Process _process;
    private readonly Stream _input;
    private readonly StringBuilder _stderr = new();
    private readonly Task _readingErrors;

    public ProcessLink(Process process)
    {
        _process = process;
        _input = process.StandardInput.BaseStream;
        Replies = new BufferedStream(process.StandardOutput.BaseStream, 64 * 1024);
        _readingErrors = Task.Run(ReadErrorsAsync);
    }

    public Stream Replies { get; }

    /// <summary>Starts <paramref name="start"/> (with <paramref name="launch"/>, see <see cref="SshClientStarts"/>) with its streams redirected.</summary>
    public static async Task<ProcessLink> StartAsync(ProcessStartInfo start, Func<ProcessStartInfo, Task<Process>> launch)
    {
        start.RedirectStandardInput = true;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        start.UseShellExecute = false;
        return new ProcessLink(await launch(start));
    }

    public async Task SendAsync(ReadOnlyMemory<byte> request)
    {
        await _input.WriteAsync(request, CancellationToken.None);
        await _input.FlushAsync(CancellationToken.None);
    }

    public async Task<(int? ExitCode, string Said)> EndedAsync()
    {
        await _process.WaitForExitAsync(CancellationToken.None);
        await _readingErrors;
        lock (_stderr)
        {
            return (_process.ExitCode, _stderr.ToString());
        }
    }

    /// <summary>Closes the dispatcher's input (it ends once its requests are answered) and waits a moment for ssh to end.</summary>
    public async ValueTask CloseAsync(bool idle)
    {
        try
        {
            _input.Close();
        }
        catch (IOException)
        {
            // Already gone.
        }

        try
        {
            await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5));
        }
        catch (TimeoutException)
        {
            try
            {
                _process.Kill();
            }
            catch (InvalidOperationException)
            {
                // It ended meanwhile.
            }
        }

        await _readingErrors.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    public ValueTask DisposeAsync()
    {
        _process.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task ReadErrorsAsync()
    {
        var buffer = new char[4096];
        var errors = _process.StandardError;
        int read;
        while ((read = await errors.ReadAsync(buffer, CancellationToken.None)) > 0)
        {
            lock (_stderr)
            {
                if (_stderr.Length < MaxStderr)
                {
                    _stderr.Append(buffer, 0, Math.Min(read, MaxStderr - _stderr.Length));
                }
            }
        }
    }
}

/// <summary>
/// A dispatcher session kept by this state folder's <see cref="SshSessionBroker"/>, reached over its unix socket: each
/// request goes as <c>LENGTH\n</c> and its bytes, the dispatcher's frames come back as they are, and <c>0\n</c> hands the
/// session back when nothing waits for a reply.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class BrokerLink(NetworkStream stream) : IDispatcherLink
{
    public Stream Replies { get; } = new BufferedStream(stream, 64 * 1024);

    public Task SendAsync(ReadOnlyMemory<byte> request)
    {
        var header = Encoding.ASCII.GetBytes(request.Length.ToString(CultureInfo.InvariantCulture) + "\n");
        return stream.WriteAsync((byte[])[.. header, .. request.Span], CancellationToken.None).AsTask();
    }

    /// <summary>The broker says how its ssh ended in its last frame; a broker that vanished said nothing.</summary>
    public Task<(int? ExitCode, string Said)> EndedAsync() => Task.FromResult<(int?, string)>((null, ""));

    /// <summary>
    /// Hands the session back (when <paramref name="idle"/>) and stops sending; the broker closes its side once it has
    /// kept the session, which ends <see cref="Replies"/>: a command that follows at once finds the session kept.
    /// </summary>
    public async ValueTask CloseAsync(bool idle)
    {
        try
        {
            if (idle)
            {
                await stream.WriteAsync("0\n"u8.ToArray(), CancellationToken.None);
            }

            stream.Socket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            // The broker is gone: nothing to hand back.
        }
    }

    public ValueTask DisposeAsync() => stream.DisposeAsync();
}
