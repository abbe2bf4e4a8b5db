using System.Reflection;

namespace UefiRecovery.Fuzz;

/// <summary>Folders fixed at build time (the csproj writes them into the assembly).</summary>
public static class Paths
{
    /// <summary>This project's folder (fuzz/), where corpus/ lives.</summary>
    public static string FuzzDir => Metadata("FuzzDir");

    /// <summary>../shared: the EDK2 vectors, read when present.</summary>
    public static string SharedDir => Metadata("SharedDir");

    /// <summary>The repository root (artifacts/ goes there).</summary>
    public static string RepoDir => System.IO.Path.GetFullPath(System.IO.Path.Combine(FuzzDir, ".."));

    private static string Metadata(string key)
    {
        foreach (AssemblyMetadataAttribute attribute in typeof(Paths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key == key) return attribute.Value ?? "";
        }
        return "";
    }
}
