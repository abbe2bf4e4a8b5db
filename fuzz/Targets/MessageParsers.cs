using System;
using System.Collections.Generic;
using System.Reflection;
using UefiRecovery.Core.Protocol.Wire;

namespace UefiRecovery.Fuzz.Targets;

/// <summary>
/// Every per-message parser of the protocol codec, found by shape rather than listed by hand: each public
/// static <c>WireStatus TryParse(in MessageFrame, out T)</c> in the <see cref="MessageFrame"/> assembly.
/// A message type added later (with its parser) is fuzzed without touching the fuzz target.
/// </summary>
public static class MessageParsers
{
    /// <summary>Runs one parser on a frame (its message is discarded).</summary>
    public delegate WireStatus FrameParser(in MessageFrame frame);

    private delegate WireStatus TypedParser<T>(in MessageFrame frame, out T message) where T : allows ref struct;

    public static IReadOnlyList<(string Name, FrameParser Parse)> All { get; } = Discover();

    private static List<(string, FrameParser)> Discover()
    {
        var parsers = new List<(string, FrameParser)>();
        MethodInfo wrap = typeof(MessageParsers).GetMethod(nameof(Wrap), BindingFlags.NonPublic | BindingFlags.Static)!;
        Type[] types = typeof(MessageFrame).Assembly.GetTypes();
        Array.Sort(types, (a, b) => string.CompareOrdinal(a.FullName, b.FullName));
        foreach (Type type in types)
        {
            if (type.Namespace != typeof(MessageFrame).Namespace || type == typeof(MessageFrame)) continue;
            foreach (MethodInfo method in type.GetMethods(BindingFlags.Public | BindingFlags.Static))
            {
                ParameterInfo[] p = method.GetParameters();
                if (method.Name != "TryParse" || method.ReturnType != typeof(WireStatus) || p.Length != 2
                    || p[0].ParameterType != typeof(MessageFrame).MakeByRefType() || !p[0].IsIn
                    || !p[1].IsOut)
                {
                    continue;
                }
                Type messageType = p[1].ParameterType.GetElementType()!;
                var parse = (FrameParser)wrap.MakeGenericMethod(messageType).Invoke(null, new object[] { method })!;
                parsers.Add((type.Name, parse));
            }
        }
        return parsers;
    }

    private static FrameParser Wrap<T>(MethodInfo method) where T : allows ref struct
    {
        TypedParser<T> typed = method.CreateDelegate<TypedParser<T>>();
        return (in MessageFrame frame) => typed(frame, out _);
    }
}
