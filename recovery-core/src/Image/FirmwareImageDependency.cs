using System;
using System.Buffers.Binary;
using UefiRecovery.Core.Common;

namespace UefiRecovery.Core.Image;

/// <summary>
/// EFI_FIRMWARE_IMAGE_DEP (UEFI 2.10 section 23.4): a byte-coded stack program between the authentication
/// and the FMP payload header, present when ImageCapsuleSupport has CAPSULE_SUPPORT_DEPENDENCY. It lies
/// inside the signed data. <see cref="TryMeasure"/> finds its length (EDK2 ValidateDependency, but with every
/// operand bound-checked); <see cref="Evaluate"/> runs it against the one device this firmware updates.
/// </summary>
public static class FirmwareImageDependency
{
    public const byte PushGuid = 0x00;
    public const byte PushVersion = 0x01;
    public const byte DeclareVersionName = 0x02;
    public const byte And = 0x03;
    public const byte Or = 0x04;
    public const byte Not = 0x05;
    public const byte True = 0x06;
    public const byte False = 0x07;
    public const byte Equal = 0x08;
    public const byte GreaterThan = 0x09;
    public const byte GreaterOrEqual = 0x0A;
    public const byte LessThan = 0x0B;
    public const byte LessOrEqual = 0x0C;
    public const byte End = 0x0D;
    public const byte DeclareLength = 0x0E;

    private const int MaxStackDepth = 64;

    /// <summary>Scans from the start of <paramref name="region"/> to the END opcode; length includes END.</summary>
    public static CapsuleStatus TryMeasure(ReadOnlySpan<byte> region, out int length)
    {
        length = 0;
        int position = 0;
        while (position < region.Length)
        {
            byte opcode = region[position];
            int operand;
            switch (opcode)
            {
                case PushGuid:
                    operand = EfiGuid.Size;
                    break;
                case PushVersion:
                case DeclareLength:
                    operand = 4;
                    break;
                case DeclareVersionName:
                    int terminator = region.Slice(position + 1).IndexOf((byte)0);
                    if (terminator < 0)
                    {
                        return CapsuleStatus.DependencyTruncated;
                    }
                    operand = terminator + 1;
                    break;
                case End:
                    length = position + 1;
                    return CapsuleStatus.Ok;
                case And:
                case Or:
                case Not:
                case True:
                case False:
                case Equal:
                case GreaterThan:
                case GreaterOrEqual:
                case LessThan:
                case LessOrEqual:
                    operand = 0;
                    break;
                default:
                    return CapsuleStatus.DependencyUnknownOpcode;
            }
            if (operand > region.Length - position - 1)
            {
                return CapsuleStatus.DependencyTruncated;
            }
            position += 1 + operand;
        }
        return CapsuleStatus.DependencyNoEnd;
    }

    /// <summary>
    /// Evaluates a measured expression (EDK2 EvaluateDependency semantics: binary operators compare the top of
    /// the stack with the element below it, "top OP next"). PUSH_GUID pushes <paramref name="currentVersion"/>
    /// for the machine's own image type; any other GUID is unknown here, so the expression is not satisfied.
    /// A <paramref name="currentVersion"/> of 0 means "cannot be read" (as in the protocol's REQUEST): an
    /// expression that needs it fails closed instead of comparing against 0 ("installed &lt; X" would hold).
    /// Returns Ok, DependencyNotSatisfied, DependencyInstalledVersionUnknown or DependencyMalformed.
    /// </summary>
    public static CapsuleStatus Evaluate(ReadOnlySpan<byte> expression, EfiGuid ownImageTypeId, uint currentVersion)
    {
        Span<uint> values = stackalloc uint[MaxStackDepth];
        Span<bool> isBoolean = stackalloc bool[MaxStackDepth];
        int depth = 0;
        int position = 0;
        while (position < expression.Length)
        {
            byte opcode = expression[position];
            switch (opcode)
            {
                case PushGuid:
                    if (expression.Length - position - 1 < EfiGuid.Size)
                    {
                        return CapsuleStatus.DependencyMalformed;
                    }
                    EfiGuid.TryRead(expression.Slice(position + 1), out EfiGuid guid);
                    if (!guid.Equals(ownImageTypeId))
                    {
                        return CapsuleStatus.DependencyNotSatisfied;
                    }
                    if (currentVersion == 0)
                    {
                        return CapsuleStatus.DependencyInstalledVersionUnknown;
                    }
                    if (!Push(values, isBoolean, ref depth, currentVersion, false))
                    {
                        return CapsuleStatus.DependencyMalformed;
                    }
                    position += 1 + EfiGuid.Size;
                    break;
                case PushVersion:
                case DeclareLength:
                    if (expression.Length - position - 1 < 4)
                    {
                        return CapsuleStatus.DependencyMalformed;
                    }
                    uint operand = BinaryPrimitives.ReadUInt32LittleEndian(expression.Slice(position + 1));
                    if (opcode == DeclareLength && (position != 0 || operand != (uint)expression.Length))
                    {
                        return CapsuleStatus.DependencyMalformed; // must come first and state the true length
                    }
                    if (!Push(values, isBoolean, ref depth, operand, false))
                    {
                        return CapsuleStatus.DependencyMalformed;
                    }
                    position += 5;
                    break;
                case DeclareVersionName:
                    int terminator = expression.Slice(position + 1).IndexOf((byte)0);
                    if (terminator < 0)
                    {
                        return CapsuleStatus.DependencyMalformed;
                    }
                    position += 2 + terminator;
                    break;
                case True:
                case False:
                    if (!Push(values, isBoolean, ref depth, opcode == True ? 1u : 0u, true))
                    {
                        return CapsuleStatus.DependencyMalformed;
                    }
                    position++;
                    break;
                case Not:
                    if (depth < 1 || !isBoolean[depth - 1])
                    {
                        return CapsuleStatus.DependencyMalformed;
                    }
                    values[depth - 1] = values[depth - 1] == 0 ? 1u : 0u;
                    position++;
                    break;
                case And:
                case Or:
                case Equal:
                case GreaterThan:
                case GreaterOrEqual:
                case LessThan:
                case LessOrEqual:
                    bool logical = opcode == And || opcode == Or;
                    if (depth < 2 || isBoolean[depth - 1] != logical || isBoolean[depth - 2] != logical)
                    {
                        return CapsuleStatus.DependencyMalformed;
                    }
                    uint top = values[depth - 1];
                    uint next = values[depth - 2];
                    depth -= 2;
                    bool result = opcode switch
                    {
                        And => top != 0 && next != 0,
                        Or => top != 0 || next != 0,
                        Equal => top == next,
                        GreaterThan => top > next,
                        GreaterOrEqual => top >= next,
                        LessThan => top < next,
                        _ => top <= next,
                    };
                    Push(values, isBoolean, ref depth, result ? 1u : 0u, true);
                    position++;
                    break;
                case End:
                    if (depth < 1 || !isBoolean[depth - 1])
                    {
                        return CapsuleStatus.DependencyMalformed;
                    }
                    return values[depth - 1] != 0 ? CapsuleStatus.Ok : CapsuleStatus.DependencyNotSatisfied;
                default:
                    return CapsuleStatus.DependencyMalformed;
            }
        }
        return CapsuleStatus.DependencyMalformed;
    }

    private static bool Push(Span<uint> values, Span<bool> isBoolean, ref int depth, uint value, bool boolean)
    {
        if (depth == values.Length)
        {
            return false;
        }
        values[depth] = value;
        isBoolean[depth] = boolean;
        depth++;
        return true;
    }
}
