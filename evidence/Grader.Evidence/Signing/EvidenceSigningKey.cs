using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Grader.Evidence.Signing;

/// <summary>
/// The operator's signing key: ECDSA P-256 (ES256). Chosen over Ed25519 because .NET signs and verifies it with no
/// extra package, and the same key signs the Open Badges VC-JWTs (ES256 is a registered JOSE algorithm that JWT
/// libraries and verifiers such as <c>jose</c> accept; EdDSA is not supported by Microsoft.IdentityModel).
/// Signatures are IEEE P1363 (r||s, 64 bytes), base64url.
/// </summary>
public sealed class EvidenceSigningKey : IDisposable
{
    public const string Algorithm = "ES256";

    private readonly ECDsa _key;

    private EvidenceSigningKey(ECDsa key, bool hasPrivateKey)
    {
        _key = key;
        HasPrivateKey = hasPrivateKey;
        PublicKeyPem = key.ExportSubjectPublicKeyInfoPem();
        KeyId = IdOf(key.ExportSubjectPublicKeyInfo());
    }

    /// <summary><c>es256:</c> and the first 16 bytes of the SHA-256 of the public key (SPKI), hex: stable, names the key in exports.</summary>
    public string KeyId { get; }

    public string PublicKeyPem { get; }

    public bool HasPrivateKey { get; }

    public ECDsa Key => _key;

    public static EvidenceSigningKey Generate() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256), true);

    /// <summary>Reads a PEM file holding a PKCS#8 private key (or, for verification only, a public key).</summary>
    /// <exception cref="InvalidDataException">The file holds no P-256 key.</exception>
    public static EvidenceSigningKey FromPem(string pem, string source)
    {
        ArgumentNullException.ThrowIfNull(pem);
        var key = ECDsa.Create();
        try
        {
            key.ImportFromPem(pem);
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            key.Dispose();
            throw new InvalidDataException($"{source}: not an EC P-256 key in PEM form ({e.Message})", e);
        }
        if (key.KeySize != 256)
        {
            key.Dispose();
            throw new InvalidDataException($"{source}: the key is EC {key.KeySize} bits; evidence signing keys are P-256");
        }
        var hasPrivate = pem.Contains("PRIVATE KEY", StringComparison.Ordinal);
        return new EvidenceSigningKey(key, hasPrivate);
    }

    public static EvidenceSigningKey Load(string path)
    {
        string pem;
        try
        {
            pem = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidDataException($"{path}: cannot read the signing key ({e.Message})", e);
        }
        return FromPem(pem, path);
    }

    /// <summary>Writes the private key (PKCS#8 PEM, owner-only on Unix) and its public key beside it (<c>.pub.pem</c>).</summary>
    public void Save(string privateKeyPath)
    {
        if (!HasPrivateKey) throw new InvalidOperationException("A public key cannot be saved as a signing key.");
        var directory = Path.GetDirectoryName(Path.GetFullPath(privateKeyPath));
        if (directory is not null) Directory.CreateDirectory(directory);
        var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows()) options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        using (var stream = new FileStream(privateKeyPath, options))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(_key.ExportPkcs8PrivateKeyPem());
        }
        File.WriteAllText(PublicKeyPath(privateKeyPath), PublicKeyPem);
    }

    public static string PublicKeyPath(string privateKeyPath) =>
        (privateKeyPath.EndsWith(".pem", StringComparison.OrdinalIgnoreCase) ? privateKeyPath[..^4] : privateKeyPath) + ".pub.pem";

    public string Sign(ReadOnlySpan<byte> data)
    {
        if (!HasPrivateKey) throw new InvalidOperationException("This key is a public key: it verifies, it cannot sign.");
        return Base64Url.EncodeToString(_key.SignData(data, HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation));
    }

    public bool Verify(ReadOnlySpan<byte> data, string signature)
    {
        Span<byte> bytes = stackalloc byte[66];
        if (string.IsNullOrEmpty(signature) || signature.Length > 88) return false;
        if (Base64Url.DecodeFromChars(signature, bytes, out var consumed, out var written) != System.Buffers.OperationStatus.Done || consumed != signature.Length || written != 64) return false;
        return _key.VerifyData(data, bytes[..64], HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
    }

    public static string IdOf(ReadOnlySpan<byte> subjectPublicKeyInfo) =>
        "es256:" + Convert.ToHexStringLower(SHA256.HashData(subjectPublicKeyInfo)[..16]);

    public void Dispose() => _key.Dispose();
}
