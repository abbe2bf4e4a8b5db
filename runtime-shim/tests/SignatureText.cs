using System;
using System.Collections.Immutable;
using System.Linq;
using System.Reflection.Metadata;

namespace UefiRecovery.RuntimeShim.Tests;

/// <summary>
/// Writes a type in one canonical text form, from metadata (the shim) or from reflection (.NET), so
/// the two sides' member signatures can be compared as strings. Generic parameters are positional
/// (!0 for a type's, !!0 for a method's); custom modifiers are ignored (reflection does not show them).
/// </summary>
internal sealed class SignatureText : ISignatureTypeProvider<string, object?>
{
    private readonly MetadataReader _reader;

    public SignatureText(MetadataReader reader) => _reader = reader;

    public static string Of(Type type)
    {
        if (type.IsByRef)
            return "ref " + Of(type.GetElementType()!);
        if (type.IsPointer)
            return Of(type.GetElementType()!) + "*";
        if (type.IsSZArray)
            return Of(type.GetElementType()!) + "[]";
        if (type.IsGenericTypeParameter)
            return "!" + type.GenericParameterPosition;
        if (type.IsGenericMethodParameter)
            return "!!" + type.GenericParameterPosition;
        if (type.IsFunctionPointer)
            return "fnptr";
        if (type.IsGenericType)
        {
            // Also for a generic type definition used inside itself (Span<T> in Span<T>): its arguments are its parameters.
            Type definition = type.GetGenericTypeDefinition();
            return definition.FullName!.Replace('+', '/') + "<" + string.Join(",", type.GetGenericArguments().Select(Of)) + ">";
        }
        return (type.FullName ?? type.Name).Replace('+', '/');
    }

    public string GetPrimitiveType(PrimitiveTypeCode typeCode) => typeCode switch
    {
        PrimitiveTypeCode.Boolean => "System.Boolean",
        PrimitiveTypeCode.Byte => "System.Byte",
        PrimitiveTypeCode.SByte => "System.SByte",
        PrimitiveTypeCode.Char => "System.Char",
        PrimitiveTypeCode.Int16 => "System.Int16",
        PrimitiveTypeCode.UInt16 => "System.UInt16",
        PrimitiveTypeCode.Int32 => "System.Int32",
        PrimitiveTypeCode.UInt32 => "System.UInt32",
        PrimitiveTypeCode.Int64 => "System.Int64",
        PrimitiveTypeCode.UInt64 => "System.UInt64",
        PrimitiveTypeCode.Single => "System.Single",
        PrimitiveTypeCode.Double => "System.Double",
        PrimitiveTypeCode.IntPtr => "System.IntPtr",
        PrimitiveTypeCode.UIntPtr => "System.UIntPtr",
        PrimitiveTypeCode.Object => "System.Object",
        PrimitiveTypeCode.String => "System.String",
        PrimitiveTypeCode.Void => "System.Void",
        PrimitiveTypeCode.TypedReference => "System.TypedReference",
        _ => throw new ArgumentOutOfRangeException(nameof(typeCode)),
    };

    public string GetTypeFromDefinition(MetadataReader reader, TypeDefinitionHandle handle, byte rawTypeKind)
        => FullName(reader.GetTypeDefinition(handle));

    public string GetTypeFromReference(MetadataReader reader, TypeReferenceHandle handle, byte rawTypeKind)
    {
        TypeReference r = reader.GetTypeReference(handle);
        string name = reader.GetString(r.Name);
        if (r.ResolutionScope.Kind == HandleKind.TypeReference)
            return GetTypeFromReference(reader, (TypeReferenceHandle)r.ResolutionScope, rawTypeKind) + "/" + name;
        string ns = reader.GetString(r.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }

    public string GetTypeFromSpecification(MetadataReader reader, object? genericContext, TypeSpecificationHandle handle, byte rawTypeKind)
        => reader.GetTypeSpecification(handle).DecodeSignature(this, genericContext);

    public string GetSZArrayType(string elementType) => elementType + "[]";
    public string GetArrayType(string elementType, ArrayShape shape) => elementType + "[" + new string(',', shape.Rank - 1) + "]";
    public string GetByReferenceType(string elementType) => "ref " + elementType;
    public string GetPointerType(string elementType) => elementType + "*";
    public string GetGenericInstantiation(string genericType, ImmutableArray<string> typeArguments) => genericType + "<" + string.Join(",", typeArguments) + ">";
    public string GetGenericTypeParameter(object? genericContext, int index) => "!" + index;
    public string GetGenericMethodParameter(object? genericContext, int index) => "!!" + index;
    public string GetFunctionPointerType(MethodSignature<string> signature) => "fnptr";
    public string GetModifiedType(string modifier, string unmodifiedType, bool isRequired) => unmodifiedType;
    public string GetPinnedType(string elementType) => elementType;

    public string FullName(TypeDefinition type)
    {
        string name = _reader.GetString(type.Name);
        TypeDefinitionHandle declaring = type.GetDeclaringType();
        if (!declaring.IsNil)
            return FullName(_reader.GetTypeDefinition(declaring)) + "/" + name;
        string ns = _reader.GetString(type.Namespace);
        return ns.Length == 0 ? name : ns + "." + name;
    }
}
