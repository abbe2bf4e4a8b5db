using System;
using System.CommandLine;
using System.IO;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using UefiRecovery.Manager.Cli;
using UefiRecovery.Manager.Files;

namespace UefiRecovery.Manager.Images;

/// <summary>
/// `image key-hash FILE`: the setting a machine needs to trust a key, as one line to paste into its
/// configuration: <c>uefirecovery.trust.rsa2048=&lt;SHA-256 of the modulus&gt;</c> for the firmware signing key,
/// <c>uefirecovery.trust.manager=...</c> with <c>--for manager</c> for the manager's OFFER signing key.
/// The same value `openssl rsa -modulus -noout | cut -d= -f2 | xxd -r -p | sha256sum` gives.
/// </summary>
internal static class KeyHashCommand
{
    public static Command Build()
    {
        var file = new Argument<FileInfo>("KEY|CERT") { Description = "RSA-2048 key or certificate: PEM public key, PEM private key (PKCS#1 or PKCS#8), or certificate (PEM or DER)." };
        var forWhat = new Option<string>("--for") { HelpName = "firmware|manager|instruction", Description = "firmware: the capsules' signing key (uefirecovery.trust.rsa2048); manager: the OFFER signing key of serve --signing-key (uefirecovery.trust.manager); instruction: the key instruct signs with (uefirecovery.trust.instruction).", DefaultValueFactory = _ => "firmware" };
        forWhat.AcceptOnlyFromAmong("firmware", "manager", "instruction");

        var command = new Command("key-hash", "Print the uefirecovery.trust.rsa2048 (or, --for manager|instruction, uefirecovery.trust.manager|instruction) setting that makes a machine trust this key.\n\nExample:\n  uefirecovery-manager image key-hash signing-key.pub.pem");
        command.Arguments.Add(file);
        command.Options.Add(forWhat);
        command.SetAction(parseResult =>
        {
            TextWriter stdout = parseResult.InvocationConfiguration.Output;
            TextWriter stderr = parseResult.InvocationConfiguration.Error;
            string path = parseResult.GetValue(file)!.FullName;
            try
            {
                using RSA rsa = LoadRsa(path);
                RSAParameters parameters = rsa.ExportParameters(includePrivateParameters: false);
                // Both the capsule verifier (EFI_CERT_BLOCK_RSA_2048_SHA256) and signed OFFERs take only this key shape.
                if (parameters.Modulus!.Length != 256 || !parameters.Exponent!.AsSpan().SequenceEqual(new byte[] { 1, 0, 1 }))
                {
                    return Fail(stderr, path + " is a " + rsa.KeySize + "-bit RSA key" + (parameters.Exponent!.AsSpan().SequenceEqual(new byte[] { 1, 0, 1 }) ? "" : " with an exponent other than 65537")
                        + "; machines trust only RSA-2048 keys with exponent 65537");
                }
                string key = "uefirecovery.trust." + (parseResult.GetValue(forWhat) switch { "manager" => "manager", "instruction" => "instruction", _ => "rsa2048" });
                string value = Convert.ToHexStringLower(SHA256.HashData(parameters.Modulus));
                stdout.WriteLine(JsonOutputOption.Requested(parseResult)
                    ? JsonSerializer.Serialize(new KeySetting(key + "=" + value, key, value), JsonDefaults.Web)
                    : key + "=" + value);
                return ExitCodes.Ok;
            }
            catch (IOException e)
            {
                return Fail(stderr, e.Message);
            }
            catch (InvalidDataException e)
            {
                return Fail(stderr, e.Message);
            }
        });
        return command;
    }

    /// <summary>The RSA public key in a key or certificate file (what it holds decides how it is read).</summary>
    private static RSA LoadRsa(string path)
    {
        byte[] bytes = RegularFile.Read(path, ImageLimits.MaxKeyFileBytes);
        if (bytes.Length > 0 && bytes[0] == 0x30)
            return CertificateKey(() => X509CertificateLoader.LoadCertificate(bytes), path, "a DER certificate");
        string text = Encoding.UTF8.GetString(bytes);
        if (text.Contains("-----BEGIN CERTIFICATE-----", StringComparison.Ordinal))
            return CertificateKey(() => X509Certificate2.CreateFromPem(text), path, "a PEM certificate");
        if (text.Contains("-----BEGIN ENCRYPTED PRIVATE KEY-----", StringComparison.Ordinal))
            throw new InvalidDataException(path + " is an encrypted private key; give its public half (openssl pkey -in " + path + " -pubout)");
        var rsa = RSA.Create();
        try
        {
            rsa.ImportFromPem(text);
            return rsa;
        }
        catch (Exception e) when (e is ArgumentException or CryptographicException)
        {
            rsa.Dispose();
            throw new InvalidDataException(path + " is not an RSA key or certificate (PEM public or private key, PEM or DER certificate)");
        }
    }

    private static RSA CertificateKey(Func<X509Certificate2> load, string path, string what)
    {
        try
        {
            using X509Certificate2 certificate = load();
            return certificate.GetRSAPublicKey() ?? throw new InvalidDataException(path + ": the certificate's key is not RSA");
        }
        catch (CryptographicException)
        {
            throw new InvalidDataException(path + " is not " + what + " that can be read");
        }
    }

    private static int Fail(TextWriter stderr, string message)
    {
        stderr.WriteLine("image key-hash: " + message);
        return ExitCodes.Configuration; // every refusal here is about the file, never the command line
    }

    /// <summary>`image key-hash --json`: the whole setting line, and its name and value apart.</summary>
    private sealed record KeySetting(string Setting, string Name, string Value);
}
