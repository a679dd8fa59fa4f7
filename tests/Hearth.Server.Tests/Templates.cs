namespace Hearth.Server.Tests;

/// <summary>The templates the server tests deploy.</summary>
internal static class Templates
{
    /// <summary>A value built from a parameter, and a resource after it (the one hooks pause).</summary>
    public const string Greeting = """
        heat_template_version: 2018-08-31
        description: Says hello.
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

    /// <summary>A script (run by the process that runs the operation, the server's or the CLI's) that fails, quoting a hidden value; one step at a time, so both runs record the same order.</summary>
    public const string FailingScript = """
        heat_template_version: 2021-04-16
        parameters:
          secret: {type: string, hidden: true, default: s3cr3t-value}
        resources:
          server:
            type: OS::Heat::DeployedServer
            properties: {software_config_transport: LOCAL}
          config:
            type: OS::Heat::SoftwareConfig
            depends_on: server
            properties:
              group: script
              inputs: [{name: password}]
              config: |
                #!/bin/sh
                echo "step 1"
                echo "logging in as $password"
                echo "cannot log in as $password" >&2
                exit 3
          deployment:
            type: OS::Heat::SoftwareDeployment
            properties:
              config: {get_resource: config}
              server: {get_resource: server}
              input_values: {password: {get_param: secret}}
        """;
}
