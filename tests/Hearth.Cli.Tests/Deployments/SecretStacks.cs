using System.Text;

namespace Hearth.Cli.Tests.Deployments;

/// <summary>What the tests of hidden values share: the deployment that fails saying the secret, and a search of the state for secrets.</summary>
internal static class SecretStacks
{
    /// <summary>
    /// Resources for a template with a hidden <c>password</c> parameter, a <c>failing</c> condition and a
    /// <c>deployment</c> on <c>server</c>: when failing, a deployment after it whose script prints the password to stderr
    /// ("cannot log in with …") and exits 3. It begins and ends with a line break: it goes between two lines.
    /// </summary>
    public const string FailingDeployment = "\n" + """
          bad_config:
            type: OS::Heat::SoftwareConfig
            condition: failing
            properties:
              group: script
              inputs: [{name: password}]
              config: |
                #!/bin/sh
                echo "cannot log in with $password" >&2
                exit 3
          bad_deployment:
            type: OS::Heat::SoftwareDeployment
            condition: failing
            depends_on: deployment
            properties:
              config: {get_resource: bad_config}
              server: {get_resource: server}
              input_values: {password: {get_param: password}}
        """ + "\n";

    /// <summary>The database files of a state folder (<c>hearth.db</c> and its <c>-wal</c> and <c>-shm</c>); at least one.</summary>
    public static List<string> DatabaseFiles(string state)
    {
        var files = Directory.EnumerateFiles(state, "hearth.db*").ToList();
        files.ShouldNotBeEmpty();
        return files;
    }

    /// <summary>Whether <paramref name="path"/> (a file, or every file in a folder) holds <paramref name="secret"/> in clear.</summary>
    public static bool HoldsInClear(string path, string secret)
    {
        var files = File.Exists(path) ? [path] : Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories);
        var needle = Encoding.UTF8.GetBytes(secret);
        return files.Any(file => File.ReadAllBytes(file).AsSpan().IndexOf(needle) >= 0);
    }
}
