using System;
using System.Collections.Generic;
using UefiRecovery.Testbed.Qemu;

namespace UefiRecovery.QemuTests.Recovery;

/// <summary>The class fixture of <see cref="PowerCutRecoveryTests"/>: one <see cref="PowerCutLab"/> per architecture, made on first use.</summary>
public sealed class PowerCutLabs : IDisposable
{
    private readonly Dictionary<string, PowerCutLab> _labs = new();

    public PowerCutLab For(string arch)
    {
        lock (_labs)
        {
            if (!_labs.TryGetValue(arch, out PowerCutLab? lab))
            {
                lab = new PowerCutLab(QemuArch.Parse(arch));
                _labs[arch] = lab;
            }
            return lab;
        }
    }

    public void Dispose()
    {
        foreach (PowerCutLab lab in _labs.Values)
        {
            lab.Dispose();
        }
    }
}
