using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Hearth.Templates.Diagnostics;

namespace Hearth.Templates.Syntax;

/// <summary>
/// Parsed documents kept between processes, found by their exact text. Parsing YAML is most of the cost of reading a
/// big stored template again (an update with <c>--existing</c> of 10,000 resources: a third of the command), and a
/// stored template's text never changes: reading its snapshot is several times faster.
/// </summary>
public interface IDocumentCache
{
    /// <summary>The document parsed from exactly <paramref name="text"/>, its spans in <paramref name="file"/>; null when not kept.</summary>
    SyntaxNode? Find(string file, string text);

    /// <summary>Keeps a document that parsed without any diagnostic.</summary>
    void Add(string text, SyntaxNode root);
}

/// <summary>
/// An <see cref="IDocumentCache"/> in a folder (the CLI's is in the state folder): one file per text, named by its
/// SHA-256, holding a <see cref="SyntaxSnapshot"/>. Only the most recent few are kept. A file that cannot be read or
/// written is ignored: the cache only ever saves time.
/// </summary>
public sealed class DocumentCacheFolder(string directory) : IDocumentCache
{
    /// <summary>Snapshots kept; older ones are deleted when a new one is added.</summary>
    public const int Capacity = 16;

    // Snapshots found here that this build cannot read (another build wrote them: an upgrade; or damaged): the text is
    // parsed again and its snapshot replaced, which a file that merely exists would otherwise prevent for good.
    private readonly ConcurrentDictionary<string, bool> _unreadable = new(StringComparer.Ordinal);

    public SyntaxNode? Find(string file, string text)
    {
        var path = PathOf(text);
        try
        {
            return File.Exists(path) ? SyntaxSnapshot.Read(File.ReadAllBytes(path), file, text.Length) : null;
        }
        catch (InvalidDataException)
        {
            _unreadable[path] = true;
            return null;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public void Add(string text, SyntaxNode root)
    {
        try
        {
            var path = PathOf(text);
            if (File.Exists(path) && !_unreadable.ContainsKey(path))
            {
                return;
            }

            CreatePrivateDirectory();
            // Written aside and moved into place, so that another process never reads half a snapshot.
            var temporary = $"{path}.{System.Environment.ProcessId}.tmp";
            WritePrivate(temporary, SyntaxSnapshot.Write(root, text.Length));
            File.Move(temporary, path, overwrite: true);
            _unreadable.TryRemove(path, out _);
            foreach (var old in new DirectoryInfo(directory).GetFiles("*.syntax").OrderByDescending(f => f.LastWriteTimeUtc).Skip(Capacity))
            {
                old.Delete();
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or NotSupportedException)
        {
            // A read-only or full disk, or a race with another process: the next read parses the text again.
        }
    }

    private static void WritePrivate(string path, byte[] bytes)
    {
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using var stream = new FileStream(path, options);
        stream.Write(bytes);
    }

    // Snapshots hold the templates' text, which the state keeps private (its database file is readable by the user only).
    private void CreatePrivateDirectory()
    {
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(directory);
            return;
        }

        Directory.CreateDirectory(directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    // The text's UTF-16 bytes are hashed as they are: no copy of a megabyte template to encode it first.
    private string PathOf(string text) =>
        Path.Combine(directory, Convert.ToHexStringLower(SHA256.HashData(MemoryMarshal.AsBytes(text.AsSpan()))) + ".syntax");
}

/// <summary>
/// A compact binary form of a <see cref="SyntaxNode"/> tree: every node with its span and typed scalar value, strings
/// written once. The file name of the spans is not stored (the reader supplies it): the same text read from another
/// path gives the same tree with that path.
/// </summary>
public static class SyntaxSnapshot
{
    private const int FormatVersion = 1;

    // A snapshot is read only by the build of Hearth that wrote it: another build's loader may type scalars differently.
    private static readonly Guid Build = typeof(SyntaxSnapshot).Module.ModuleVersionId;
    private const int Magic = 0x4e595348; // "HSYN"

    private enum Kind : byte
    {
        Scalar = 0,
        Sequence = 1,
        Mapping = 2,
    }

    private enum ScalarKind : byte
    {
        Null = 0,
        False = 1,
        True = 2,
        Integer = 3,
        Float = 4,
        TextItself = 5,
        OtherText = 6,
    }

    /// <summary>The snapshot of a document parsed from a text of <paramref name="textLength"/> characters.</summary>
    /// <exception cref="NotSupportedException">A scalar holds a value the YAML loader never produces.</exception>
    public static byte[] Write(SyntaxNode root, int textLength)
    {
        var strings = new Dictionary<string, int>(StringComparer.Ordinal);
        var order = new List<string>();
        using var nodes = new MemoryStream();
        using (var writer = new BinaryWriter(nodes, Encoding.UTF8, leaveOpen: true))
        {
            WriteNode(writer, root, strings, order);
        }

        using var output = new MemoryStream();
        using (var writer = new BinaryWriter(output, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(FormatVersion);
            writer.Write(Build.ToByteArray());
            writer.Write(textLength);
            writer.Write7BitEncodedInt(order.Count);
            foreach (var text in order)
            {
                writer.Write(text);
            }

            writer.Write(nodes.GetBuffer(), 0, (int)nodes.Length);
        }

        return output.ToArray();
    }

    /// <summary>The tree a snapshot holds, its spans in <paramref name="file"/>.</summary>
    /// <exception cref="InvalidDataException">Not a snapshot of this format, or not of a text of <paramref name="textLength"/> characters.</exception>
    public static SyntaxNode Read(byte[] snapshot, string file, int textLength)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(snapshot, writable: false), Encoding.UTF8);
            if (reader.ReadInt32() != Magic || reader.ReadInt32() != FormatVersion || new Guid(reader.ReadBytes(16)) != Build || reader.ReadInt32() != textLength)
            {
                throw new InvalidDataException("not a syntax snapshot of this build of Hearth and this text");
            }

            var strings = new string[reader.Read7BitEncodedInt()];
            for (var i = 0; i < strings.Length; i++)
            {
                strings[i] = reader.ReadString();
            }

            var root = ReadNode(reader, file, strings, depth: 0);
            return reader.BaseStream.Position == reader.BaseStream.Length ? root : throw new InvalidDataException("trailing bytes after the syntax snapshot");
        }
        catch (Exception e) when (e is EndOfStreamException or IndexOutOfRangeException or FormatException or ArgumentException)
        {
            throw new InvalidDataException("a damaged syntax snapshot", e);
        }
    }

    private static void WriteNode(BinaryWriter writer, SyntaxNode node, Dictionary<string, int> strings, List<string> order)
    {
        switch (node)
        {
            case ScalarNode scalar:
                writer.Write((byte)Kind.Scalar);
                WriteSpan(writer, scalar.Span);
                WriteString(writer, scalar.Text, strings, order);
                switch (scalar.Value)
                {
                    case null:
                        writer.Write((byte)ScalarKind.Null);
                        break;
                    case bool b:
                        writer.Write((byte)(b ? ScalarKind.True : ScalarKind.False));
                        break;
                    case long l:
                        writer.Write((byte)ScalarKind.Integer);
                        writer.Write(l);
                        break;
                    case double d:
                        writer.Write((byte)ScalarKind.Float);
                        writer.Write(d);
                        break;
                    case string s when string.Equals(s, scalar.Text, StringComparison.Ordinal):
                        writer.Write((byte)ScalarKind.TextItself);
                        break;
                    case string s:
                        writer.Write((byte)ScalarKind.OtherText);
                        WriteString(writer, s, strings, order);
                        break;
                    default:
                        throw new NotSupportedException($"a scalar of type {scalar.Value.GetType().Name}");
                }

                break;
            case SequenceNode sequence:
                writer.Write((byte)Kind.Sequence);
                WriteSpan(writer, sequence.Span);
                writer.Write7BitEncodedInt(sequence.Items.Length);
                foreach (var item in sequence.Items)
                {
                    WriteNode(writer, item, strings, order);
                }

                break;
            case MappingNode mapping:
                writer.Write((byte)Kind.Mapping);
                WriteSpan(writer, mapping.Span);
                writer.Write7BitEncodedInt(mapping.Entries.Length);
                foreach (var entry in mapping.Entries)
                {
                    WriteString(writer, entry.Key, strings, order);
                    WriteSpan(writer, entry.KeySpan);
                    WriteNode(writer, entry.Value, strings, order);
                }

                break;
            default:
                throw new NotSupportedException($"a syntax node of type {node.GetType().Name}");
        }
    }

    private static SyntaxNode ReadNode(BinaryReader reader, string file, string[] strings, int depth)
    {
        if (depth > YamlLoader.MaxDepth + 1)
        {
            throw new InvalidDataException("a syntax snapshot nested deeper than any document");
        }

        var kind = (Kind)reader.ReadByte();
        var span = ReadSpan(reader, file);
        switch (kind)
        {
            case Kind.Scalar:
                var text = strings[reader.Read7BitEncodedInt()];
                object? value = (ScalarKind)reader.ReadByte() switch
                {
                    ScalarKind.Null => null,
                    ScalarKind.False => false,
                    ScalarKind.True => true,
                    ScalarKind.Integer => reader.ReadInt64(),
                    ScalarKind.Float => reader.ReadDouble(),
                    ScalarKind.TextItself => text,
                    ScalarKind.OtherText => strings[reader.Read7BitEncodedInt()],
                    var other => throw new InvalidDataException($"an unknown scalar kind {other}"),
                };
                return new ScalarNode(span, value, text);
            case Kind.Sequence:
                var items = ImmutableArray.CreateBuilder<SyntaxNode>(reader.Read7BitEncodedInt());
                for (var i = 0; i < items.Capacity; i++)
                {
                    items.Add(ReadNode(reader, file, strings, depth + 1));
                }

                return new SequenceNode(span, items.MoveToImmutable());
            case Kind.Mapping:
                var entries = ImmutableArray.CreateBuilder<MappingEntry>(reader.Read7BitEncodedInt());
                for (var i = 0; i < entries.Capacity; i++)
                {
                    var key = strings[reader.Read7BitEncodedInt()];
                    var keySpan = ReadSpan(reader, file);
                    entries.Add(new MappingEntry(key, keySpan, ReadNode(reader, file, strings, depth + 1)));
                }

                return new MappingNode(span, entries.MoveToImmutable());
            default:
                throw new InvalidDataException($"an unknown syntax node kind {kind}");
        }
    }

    private static void WriteString(BinaryWriter writer, string text, Dictionary<string, int> strings, List<string> order)
    {
        if (!strings.TryGetValue(text, out var index))
        {
            index = order.Count;
            strings[text] = index;
            order.Add(text);
        }

        writer.Write7BitEncodedInt(index);
    }

    private static void WriteSpan(BinaryWriter writer, SourceSpan span)
    {
        writer.Write7BitEncodedInt(span.Line);
        writer.Write7BitEncodedInt(span.Column);
        writer.Write7BitEncodedInt(span.EndLine);
        writer.Write7BitEncodedInt(span.EndColumn);
    }

    private static SourceSpan ReadSpan(BinaryReader reader, string file) =>
        new(file, reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt(), reader.Read7BitEncodedInt());
}
