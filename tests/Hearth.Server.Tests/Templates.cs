namespace Hearth.Server.Tests;

/// <summary>The templates the server tests deploy.</summary>
internal static class Templates
{
    /// <summary>A value built from a parameter, and a resource after it (the one hooks pause).</summary>
    public const string Greeting = """
        heat_template_version: 2018-08-31
        parameters:
          name: {type: string, default: world}
        resources:
          greeting:
            type: OS::Heat::Value
            properties:
              value: {str_replace: {template: Hello NAME, params: {NAME: {get_param: name}}}}
          after:
            type: OS::Heat::TestResource
            depends_on: greeting
            properties:
              value: {get_attr: [greeting, value]}
        outputs:
          greeting:
            value: {get_attr: [greeting, value]}
        """;

    /// <summary>An environment that pauses <c>after</c> before it is created or updated.</summary>
    public const string Hooks = """
        resource_registry:
          resources:
            after:
              hooks: [pre-create, pre-update]
        """;
}
