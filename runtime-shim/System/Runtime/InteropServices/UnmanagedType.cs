namespace System.Runtime.InteropServices;

/// <summary>The C# compiler encodes the `unmanaged` generic constraint with this type. Marshalling is not supported.</summary>
public enum UnmanagedType
{
    Bool = 0x2,
    I1 = 0x3,
    U1 = 0x4,
    I2 = 0x5,
    U2 = 0x6,
    I4 = 0x7,
    U4 = 0x8,
    I8 = 0x9,
    U8 = 0xa,
    R4 = 0xb,
    R8 = 0xc,
    SysInt = 0x1f,
    SysUInt = 0x20,
    FunctionPtr = 0x26,
}
