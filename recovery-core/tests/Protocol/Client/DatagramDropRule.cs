using System;

namespace UefiRecovery.Core.Tests.Protocol.Client;

/// <summary>True: the simulated network drops this datagram (a test's chosen loss, e.g. "the first OFFER").</summary>
internal delegate bool DatagramDropRule(ReadOnlySpan<byte> datagram);
