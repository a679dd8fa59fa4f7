using System.Text.Json.Serialization;

namespace Hearth.Execution.Ssh;

/// <summary>
/// The SSH transport's JSON (the broker's hello, the remembered hosts), generated at build time. Reflection-based
/// serialization builds its metadata the first time it runs: tens of milliseconds of CPU, spent by the first session's
/// start on the way to the first deployment, while the engine waits for a thread.
/// </summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(SshTarget))]
internal sealed partial class SshJson : JsonSerializerContext;
