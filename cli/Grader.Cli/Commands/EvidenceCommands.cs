using System.CommandLine;
using Grader.Evidence.Signing;

namespace Grader.Cli.Commands;

/// <summary><c>grader evidence keygen</c>: the operator's evidence signing key.</summary>
public static class EvidenceCommands
{
    public static Command Build()
    {
        var output = new Option<FileInfo>("--out", "-o") { Description = "Where the private key (PKCS#8 PEM) is written; the public key goes beside it as .pub.pem.", Required = true };
        var keygen = new Command("keygen", "Generate an ECDSA P-256 (ES256) key that signs evidence records and Open Badges credentials.") { output };
        keygen.SetAction(parse =>
        {
            var path = parse.GetValue(output)!.FullName;
            var console = parse.InvocationConfiguration;
            if (File.Exists(path))
            {
                console.Error.WriteLine($"{path} already exists; a signing key is never overwritten (records signed with it would no longer verify against a new one).");
                return 2;
            }
            using var key = EvidenceSigningKey.Generate();
            key.Save(path);
            console.Output.WriteLine($"Wrote the signing key {key.KeyId} to {path} (owner-only) and its public key to {EvidenceSigningKey.PublicKeyPath(path)}.");
            console.Output.WriteLine("Give the public key to whoever verifies exports: grader report verify --key <public key> <export>.");
            return 0;
        });
        return new Command("evidence", "The competency evidence store.") { keygen };
    }
}
