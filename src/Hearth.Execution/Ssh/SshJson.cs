using System.Text.Json.Serialization;

namespace Hearth.Execution.Ssh;

/// <summary>
/// The SSH transport's JSON (the broker's hello, the remembered hosts), generated at build time. Reflection-based
/// serialization built its metadata (converters for every primitive type, emitted accessors: some 50 methods for the
/// JIT) the first time it ran, which was on the first session's start, on the way to the first deployment.
/// </summary>
[JsonSerializable(typeof(string[]))]
[JsonSerializable(typeof(SshTarget))]
internal sealed partial class SshJson : JsonSerializerContext;
