using System;
using System.IO;
using System.Reflection;

namespace UefiRecovery.Core.Tests.Protocol;

/// <summary>Reads verification vectors from ../shared at run time (path from the SharedDir assembly metadata).</summary>
internal static class ProtocolSharedFiles
{
    public static string PathOf(string relative)
    {
        foreach (AssemblyMetadataAttribute attribute in typeof(ProtocolSharedFiles).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>())
        {
            if (attribute.Key == "SharedDir" && attribute.Value is not null)
            {
                return Path.Combine(attribute.Value, relative);
            }
        }
        throw new InvalidOperationException("SharedDir assembly metadata missing (tests.props)");
    }
}
