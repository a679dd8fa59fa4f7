using Hearth.Templates.Diagnostics;
using Hearth.Templates.Environment;
using Hearth.Templates.Files;
using Hearth.Templates.Model;
using Hearth.Templates.Parameters;
using Hearth.Templates.Schema;

namespace Hearth.Templates.Stacks;

/// <summary>
/// Templates used as resource types (nested stacks): a template file named as a type, or mapped to one in the
/// environment's resource_registry. Its parameters are the resource's properties and its outputs the resource's
/// attributes; it inherits the parent's <c>parameter_defaults</c> and registry.
/// </summary>
public static class NestedStacks
{
    /// <summary>The attribute every nested stack has: its id, unless its template has an output of that name.</summary>
    public const string StackIdAttribute = "OS::stack_id";

    /// <summary>The absolute path of the nested template, checked against the parent's file access policy.</summary>
    public static string? ResolvePath(StackDefinition parent, ResourceDefinition resource, ResolvedResourceType resolved, DiagnosticBag diagnostics)
    {
        var path = resolved.TemplatePath ?? resolved.Type;
        if (resolved.RegistrySpan is not null && Path.IsPathRooted(path))
        {
            // The user named this template in an environment file: it may live outside the template's folder.
            return path;
        }

        return parent.Files.Policy.Resolve(parent.Template.File, path, resource.TypeSpan, diagnostics);
    }

    /// <summary>Reads and parses the nested template of a resource.</summary>
    public static Template? ReadTemplate(StackDefinition parent, ResourceDefinition resource, ResolvedResourceType resolved, DiagnosticBag diagnostics)
    {
        var path = ResolvePath(parent, resource, resolved, diagnostics);
        if (path is null)
        {
            return null;
        }

        var policy = parent.Files.Policy.IsAllowed(path) ? parent.Files.Policy : parent.Files.Policy.WithRoot(Path.GetDirectoryName(path) ?? "/");
        var text = new TemplateFileSource(parent.Files.Reader, policy).Read(parent.Template.File, path, resource.TypeSpan, diagnostics, FileLimits.TemplateBytes);
        if (text is null)
        {
            return null;
        }

        return parent.Templates.ReadNested(path, text, diagnostics);
    }

    /// <summary>The resource type schema a nested template offers: parameters as properties, outputs as attributes.</summary>
    public static ResourceTypeSchema SchemaOf(Template nested, string typeName)
    {
        var schemas = ParameterSchemaReader.Read(nested.ParametersSection, nested.Version, new DiagnosticBag());
        var properties = schemas.Select(p => new PropertySchema(
            p.Name,
            p.Type switch
            {
                ParameterType.Number => PropertyType.Number,
                ParameterType.Boolean => PropertyType.Boolean,
                ParameterType.CommaDelimitedList => PropertyType.Any,
                ParameterType.Json => PropertyType.Any,
                _ => PropertyType.String,
            },
            p.Description ?? "",
            // A parameter with no default must be given; the nested stack's own checks say why if it is not.
            Required: false,
            UpdateAllowed: true));
        // An output named OS::stack_id (TripleO's way to give a nested stack the id of what it stands for) replaces
        // the built-in attribute, as in Heat.
        var attributes = nested.Outputs.Select(o => new AttributeSchema(o.Name, o.Description ?? ""));
        if (!nested.Outputs.Any(o => o.Name == StackIdAttribute))
        {
            attributes = attributes.Append(new AttributeSchema(StackIdAttribute, "The nested stack's id"));
        }

        return ResourceTypeSchema.Create(typeName, properties, attributes);
    }

    /// <summary>
    /// The definition of a nested stack: its template, with the resource's properties as parameter values, the
    /// parent's parameter_defaults and registry, and its own place in the nesting path.
    /// </summary>
    public static StackDefinition Load(
        StackDefinition parent,
        ResourceDefinition resource,
        Template nested,
        IReadOnlyDictionary<string, object?> properties,
        StackIdentity identity,
        DiagnosticBag diagnostics,
        ResourceFacade? facade = null)
    {
        var inputs = properties
            .Where(kv => kv.Value is not null)
            .Select(kv => new ParameterInput(kv.Key, kv.Value, resource.NameSpan))
            .ToList();
        var environment = parent.Environment with { Parameters = [] };
        var files = new TemplateFileSource(parent.Files.Reader, parent.Files.Policy.IsAllowed(nested.File)
            ? parent.Files.Policy
            : parent.Files.Policy.WithRoot(Path.GetDirectoryName(nested.File) ?? "/"));
        return StackDefinitionLoader.Create(nested, environment, inputs, parent.Environment.ParameterDefaults, files, identity,
            [.. parent.NestedPath, resource.Name], diagnostics, parent.Templates,
            facade: facade ?? ResourceFacade.Of(resource, parent.CreateContext(UnresolvedResources.Instance)),
            inheritedHidden: parent.Hidden);
    }
}
