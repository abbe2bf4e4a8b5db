<#
.SYNOPSIS
  Build, test, run or clean UefiRecovery. Each task is the same dotnet command the README gives.
.EXAMPLE
  ./build.ps1 -Task Test
#>
param(
    [ValidateSet('Build', 'Test', 'Run', 'Clean')]
    [string]$Task = 'Build'
)

$ErrorActionPreference = 'Stop'
Set-Location -Path $PSScriptRoot

function Invoke-Dotnet {
    Write-Host "> dotnet $($args -join ' ')"
    & dotnet @args
    if ($LASTEXITCODE -ne 0) { exit $LASTEXITCODE }
}

switch ($Task) {
    'Build' { Invoke-Dotnet build UefiRecovery.sln -c Release }
    'Test'  { Invoke-Dotnet test UefiRecovery.sln -c Release }
    'Run'   { Invoke-Dotnet run --project demo/Demo.csproj -c Release }
    'Clean' {
        Invoke-Dotnet clean UefiRecovery.sln -c Release
        Invoke-Dotnet clean UefiRecovery.sln -c Debug
        if (Test-Path artifacts) { Remove-Item -Recurse -Force artifacts }
    }
}
