using System;
using System.IO;
using System.Reflection;

namespace UefiRecovery.Core.Tests.Crypto;

/// <summary>Finds the read-only verification vectors in ../shared/vectors (path from the SharedDir assembly metadata).</summary>
internal static class SharedVectors
{
    public static string Root
    {
        get
        {
            foreach (var attribute in typeof(SharedVectors).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
            {
                if (attribute.Key == "SharedDir" && attribute.Value is not null)
                {
                    return Path.Combine(attribute.Value, "vectors");
                }
            }
            throw new InvalidOperationException("SharedDir assembly metadata is missing (tests.props)");
        }
    }

    public static string PathOf(string relative) => Path.Combine(Root, relative);

    public static byte[] Read(string relative) => File.ReadAllBytes(PathOf(relative));
}
