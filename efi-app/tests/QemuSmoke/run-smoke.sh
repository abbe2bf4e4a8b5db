#!/bin/bash
# Builds SmokeEntry.cs with efi-app/src/Uefi against runtime-shim (csc -> ILC -> lld-link, the same
# pipeline as efi-app) and runs it in QEMU/OVMF. Passes when the serial log has the sentinel, QEMU
# exits with 67 (isa-debug-exit code 0x21), and the variable store's last block, which the app
# erased, rewrote and restored, is byte-identical to the template's afterwards.
# Needs: `dotnet build runtime-shim/RuntimeShim.csproj -c Release` done, qemu-system-x86, ovmf, lld.
# Usage: efi-app/tests/QemuSmoke/run-smoke.sh [32|64] [NIC]
#   32|64: SMBIOS entry point type (default 32).
#   NIC: QEMU NIC device (default virtio-net-pci, whose SNP comes from QEMU's iPXE ROM);
#        "virtio-net-pci,romfile=" uses OVMF's VirtioNetDxe instead, "e1000" iPXE's e1000 driver.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../../.." && pwd)"
entry="${1:-32}"
nic="${2:-virtio-net-pci}"
work="$(mktemp -d /tmp/uefi-smoke.XXXXXX)"
trap 'rm -rf "$work"' EXIT

shim="$repo/runtime-shim/bin/Release/net10.0/UefiRecovery.RuntimeShim.dll"
stubs="$repo/runtime-shim/obj/Release/net10.0/native/RuntimeStubs.obj"
ilc_dir="$HOME/.nuget/packages/runtime.linux-x64.microsoft.dotnet.ilcompiler/10.0.14/tools"
csc="$(dirname "$(command -v dotnet)")/sdk/$(dotnet --version)/Roslyn/bincore/csc.dll"
[ -f "$csc" ] || csc="$(ls /usr/share/dotnet/sdk/*/Roslyn/bincore/csc.dll | tail -1)"
for f in "$shim" "$stubs" "$ilc_dir/ilc"; do
  [ -e "$f" ] || { echo "missing $f (build runtime-shim -c Release; restore efi-app)"; exit 2; }
done

cp "$shim" "$work/UefiRecovery.RuntimeShim.dll"
# The assembly name matters: the shim grants its runtime internals to UefiRecovery.EfiApp.
dotnet "$csc" -nologo -noconfig -nostdlib+ -unsafe+ -nullable:enable -warnaserror+ -langversion:latest \
  -target:library -out:"$work/UefiRecovery.EfiApp.dll" -r:"$work/UefiRecovery.RuntimeShim.dll" \
  "$here/SmokeEntry.cs" "$repo/recovery-core/src/Common/EfiGuid.cs" $(find "$repo/efi-app/src/Uefi" -name '*.cs')
"$ilc_dir/ilc" "$work/UefiRecovery.EfiApp.dll" "$work/UefiRecovery.RuntimeShim.dll" -o:"$work/smoke.obj" \
  --systemmodule:UefiRecovery.RuntimeShim --targetos:windows --targetarch:x64 --nativelib -O \
  --jitpath:"$ilc_dir/libclrjit_win_x64_x64.so"
mkdir -p "$work/esp/EFI/BOOT"
lld-link /subsystem:EFI_APPLICATION /entry:EfiMain /nodefaultlib /incremental:no /opt:ref,icf \
  /merge:.modules=.rdata /merge:.managedcode=.text /out:"$work/esp/EFI/BOOT/BOOTX64.EFI" "$work/smoke.obj" "$stubs"

cp /usr/share/OVMF/OVMF_VARS_4M.fd "$work/vars.fd"
set +e
timeout 180 qemu-system-x86_64 -machine "q35,accel=tcg,smbios-entry-point-type=$entry" -m 256 -nographic -no-reboot \
  -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd \
  -drive if=pflash,format=raw,unit=1,file="$work/vars.fd" \
  -drive file=fat:rw:"$work/esp",format=raw \
  -netdev user,id=n0,restrict=on -device "$nic,netdev=n0,mac=52:54:00:12:34:56" \
  -smbios type=11,value=uefirecovery.mode=selftest \
  -device isa-debug-exit,iobase=0xf4,iosize=0x04 > "$work/serial.log" 2>&1
code=$?
set -e
tr -d '\033' < "$work/serial.log" | sed 's/\[[0-9;=]*[a-zA-Z]//g' | grep -a -E '^(PASS|FAIL|info|mode=|uefi-smoke)' || true

ok=1
grep -aq 'uefi-smoke: all passed' "$work/serial.log" || { echo "sentinel missing"; ok=0; }
[ "$code" = 67 ] || { echo "qemu exit code $code, expected 67"; ok=0; }
grep -aq 'mode=selftest' "$work/serial.log" || { echo "SMBIOS OEM string not read"; ok=0; }
# The vars FV is 132 blocks of 4 KiB; its last block must be back as it was.
if ! cmp -s <(tail -c 4096 /usr/share/OVMF/OVMF_VARS_4M.fd) <(tail -c 4096 "$work/vars.fd"); then
  echo "last vars block differs after restore"; ok=0
fi
[ $ok = 1 ] && echo "SMOKE PASSED (smbios entry point $entry, nic $nic)" || { echo "SMOKE FAILED"; exit 1; }
