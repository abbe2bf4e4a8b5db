using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Reflection.Metadata;
using System.Reflection.PortableExecutable;
using Xunit;

namespace UefiRecovery.RuntimeShim.Tests;

/// <summary>
/// Principle 1 of runtime-shim, checked over its whole public surface: every public type of the shim
/// exists in .NET 10 as a public type of the same kind, and every public or protected member
/// (methods, constructors, accessors, operators, fields) exists there with the same signature.
/// The shim's assembly is read as metadata, never loaded (it has its own System.Object).
/// </summary>
public sealed class PublicSurfaceTests
{
    private static string ShimPath => typeof(PublicSurfaceTests).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == "RuntimeShimPath").Value!;

    public static IEnumerable<object[]> PublicTypes()
    {
        foreach (ShimType t in ReadShim())
            yield return new object[] { t.Name };
    }

    [Theory]
    [MemberData(nameof(PublicTypes))]
    public void PublicType_InDotNet_ExistsWithSameKindAndMembers(string typeName)
    {
        ShimType shim = ReadShim().Single(t => t.Name == typeName);
        Type? dotnet = FindDotNetType(typeName);

        Assert.True(dotnet != null && (dotnet.IsPublic || dotnet.IsNestedPublic), $"{typeName} is not a public .NET type");
        Assert.Equal(shim.Kind, KindOf(dotnet!));

        HashSet<string> dotnetMembers = DotNetMembers(dotnet!);
        string[] missing = shim.Members.Where(m => !dotnetMembers.Contains(m)).ToArray();
        Assert.True(missing.Length == 0, $"{typeName}: not in .NET 10 with this signature:\n  " + string.Join("\n  ", missing));
    }

    [Fact]
    public void ReadShim_PublicSurface_CoversThePortableSubset()
    {
        string[] names = ReadShim().Select(t => t.Name).ToArray();
        foreach (string required in new[]
                 {
                     "System.Span`1", "System.ReadOnlySpan`1", "System.MemoryExtensions", "System.Math",
                     "System.Buffers.Binary.BinaryPrimitives", "System.Numerics.BitOperations", "System.Environment",
                     "System.String", "System.Int32",
                 })
        {
            Assert.Contains(required, names);
        }
    }

    private sealed record ShimType(string Name, string Kind, List<string> Members);

    private static List<ShimType>? s_shim;

    private static List<ShimType> ReadShim()
    {
        if (s_shim != null)
            return s_shim;

        using FileStream file = File.OpenRead(ShimPath);
        using PEReader pe = new(file);
        MetadataReader reader = pe.GetMetadataReader();
        SignatureText text = new(reader);
        List<ShimType> types = new();

        foreach (TypeDefinitionHandle handle in reader.TypeDefinitions)
        {
            TypeDefinition type = reader.GetTypeDefinition(handle);
            if (!IsVisible(reader, type))
                continue;

            string name = text.FullName(type);
            List<string> members = new();
            foreach (MethodDefinitionHandle mh in type.GetMethods())
            {
                MethodDefinition m = reader.GetMethodDefinition(mh);
                MethodAttributes access = m.Attributes & MethodAttributes.MemberAccessMask;
                if (access != MethodAttributes.Public && access != MethodAttributes.Family && access != MethodAttributes.FamORAssem)
                    continue;
                MethodSignature<string> sig = m.DecodeSignature(text, null);
                members.Add(MethodText(reader.GetString(m.Name), sig.GenericParameterCount, sig.ParameterTypes, sig.ReturnType));
            }
            foreach (FieldDefinitionHandle fh in type.GetFields())
            {
                FieldDefinition f = reader.GetFieldDefinition(fh);
                FieldAttributes access = f.Attributes & FieldAttributes.FieldAccessMask;
                if (access != FieldAttributes.Public && access != FieldAttributes.Family && access != FieldAttributes.FamORAssem)
                    continue;
                members.Add("field " + reader.GetString(f.Name) + " : " + f.DecodeSignature(text, null));
            }
            types.Add(new ShimType(name, KindOf(reader, type), members));
        }
        s_shim = types;
        return types;
    }

    private static bool IsVisible(MetadataReader reader, TypeDefinition type)
    {
        TypeAttributes visibility = type.Attributes & TypeAttributes.VisibilityMask;
        if (visibility == TypeAttributes.Public)
            return true;
        if (visibility != TypeAttributes.NestedPublic)
            return false;
        return IsVisible(reader, reader.GetTypeDefinition(type.GetDeclaringType()));
    }

    private static string KindOf(MetadataReader reader, TypeDefinition type)
    {
        if ((type.Attributes & TypeAttributes.Interface) != 0)
            return "interface";
        EntityHandle baseType = type.BaseType;
        if (baseType.IsNil)
            return "class";
        string baseName = baseType.Kind == HandleKind.TypeDefinition
            ? new SignatureText(reader).FullName(reader.GetTypeDefinition((TypeDefinitionHandle)baseType))
            : baseType.Kind == HandleKind.TypeReference
                ? new SignatureText(reader).GetTypeFromReference(reader, (TypeReferenceHandle)baseType, 0)
                : "";
        string self = new SignatureText(reader).FullName(type);
        if (baseName == "System.Enum")
            return "enum";
        if (baseName == "System.ValueType" && self != "System.Enum")
            return "struct";
        return "class";
    }

    private static string KindOf(Type type)
        => type.IsInterface ? "interface" : type.IsEnum ? "enum" : type.IsValueType ? "struct" : "class";

    private static string MethodText(string name, int genericArity, IEnumerable<string> parameters, string returnType)
        => name + "`" + genericArity + "(" + string.Join(",", parameters) + ") : " + returnType;

    private static Type? FindDotNetType(string name)
    {
        string reflectionName = name.Replace('/', '+');
        Type? t = typeof(object).Assembly.GetType(reflectionName);
        if (t != null)
            return t;
        foreach (Assembly a in new[] { typeof(Uri).Assembly, typeof(System.Buffers.Binary.BinaryPrimitives).Assembly, typeof(System.Numerics.BitOperations).Assembly })
        {
            t = a.GetType(reflectionName);
            if (t != null)
                return t;
        }
        return null;
    }

    private static HashSet<string> DotNetMembers(Type type)
    {
        const BindingFlags all = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static;
        HashSet<string> members = new();
        for (Type? t = type; t != null; t = t.BaseType)
        {
            foreach (MethodInfo m in t.GetMethods(all).Where(m => m.IsPublic || m.IsFamily || m.IsFamilyOrAssembly))
            {
                MethodInfo generic = m.IsGenericMethod ? m.GetGenericMethodDefinition() : m;
                members.Add(MethodText(generic.Name, generic.IsGenericMethod ? generic.GetGenericArguments().Length : 0,
                    generic.GetParameters().Select(p => SignatureText.Of(p.ParameterType)), SignatureText.Of(generic.ReturnType)));
            }
            foreach (ConstructorInfo c in t.GetConstructors(all).Where(c => (c.IsPublic || c.IsFamily || c.IsFamilyOrAssembly) && t == type))
                members.Add(MethodText(c.IsStatic ? ".cctor" : ".ctor", 0, c.GetParameters().Select(p => SignatureText.Of(p.ParameterType)), "System.Void"));
            foreach (FieldInfo f in t.GetFields(all).Where(f => f.IsPublic || f.IsFamily || f.IsFamilyOrAssembly))
                members.Add("field " + f.Name + " : " + SignatureText.Of(f.FieldType));
        }
        // Interface methods are declared on the interface itself.
        if (type.IsInterface)
        {
            foreach (MethodInfo m in type.GetMethods())
                members.Add(MethodText(m.Name, m.IsGenericMethod ? m.GetGenericArguments().Length : 0,
                    m.GetParameters().Select(p => SignatureText.Of(p.ParameterType)), SignatureText.Of(m.ReturnType)));
        }
        return members;
    }
}
