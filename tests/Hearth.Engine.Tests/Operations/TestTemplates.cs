namespace Hearth.Engine.Tests.Operations;

/// <summary>Templates the scenarios share: small graphs of OS::Heat::TestResource whose knobs come from parameters.</summary>
internal static class TestTemplates
{
    /// <summary>
    /// base ← dependent ← other: <c>base</c> is replaced when <c>v</c> changes (update_replace), <c>dependent</c> copies
    /// base's output (so it is updated to point at a replacement), <c>other</c> fails when <c>fail</c> is true.
    /// </summary>
    public const string Chain = """
        heat_template_version: 2021-04-16
        parameters:
          v: {type: string, default: one}
          fail: {type: boolean, default: false}
          note: {type: string, default: first}
        resources:
          base:
            type: OS::Heat::TestResource
            properties:
              value: {get_param: v}
              update_replace: true
          dependent:
            type: OS::Heat::TestResource
            properties:
              value: {get_attr: [base, output]}
          other:
            type: OS::Heat::TestResource
            depends_on: [dependent]
            properties:
              value: {get_param: note}
              fail: {get_param: fail}
        outputs:
          base_id:
            description: The base's physical id.
            value: {get_resource: base}
          dependent_value:
            value: {get_attr: [dependent, output]}
          other_value:
            value: {get_attr: [other, output]}
        """;
}
