using System;

namespace UefiRecovery.Testbed.Tools;

/// <summary>A required host program or firmware file is not installed; the message names the packages.</summary>
public sealed class MissingHostToolException : Exception
{
    public MissingHostToolException(string message) : base(message) { }
}
