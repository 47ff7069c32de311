; Inno Setup script: the counter kiosk for Windows 10/11 Enterprise, Education or IoT Enterprise.
; Build on Windows (Inno Setup 6) after installer\build has produced dist\kiosk:
;   iscc installer\windows\kiosk.iss        ->  dist\sz-residence-kiosk-setup-<version>.exe
; It installs the one-folder app, creates the data folder with access for the kiosk account only,
; and runs the self-check. Locking the machine down (Shell Launcher v2) is a separate, reviewed
; step: see SHELL-LAUNCHER.md. This script cannot be built on the Linux CI; keep it simple.

#define AppName "深圳市居住证受理点自助终端"
#define AppNameEn "Shenzhen residence-permit kiosk"
#define AppVersion GetEnv("KIOSK_VERSION")
#if AppVersion == ""
  #define AppVersion "0.1.0"
#endif
#define KioskUser "kiosk"

[Setup]
AppId={{6F0C5B2E-3F6A-4C7B-9E51-2B8D7A0C4E11}
AppName={#AppName}
AppVersion={#AppVersion}
AppPublisher=Shenzhen residence-permit acceptance points
DefaultDirName={autopf}\SZResidenceKiosk
DisableProgramGroupPage=yes
; the app writes only to its data folder; installing needs an administrator
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=sz-residence-kiosk-setup-{#AppVersion}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
SetupLogging=yes
UninstallDisplayIcon={app}\kiosk.exe
; upgrade in place: close a running kiosk first
CloseApplications=yes

[Languages]
Name: "zh"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"
Name: "en"; MessagesFile: "compiler:Default.isl"

[Files]
; the whole PyInstaller folder (kiosk.exe, _internal\ with Qt, resources, fonts, translations)
Source: "..\..\dist\kiosk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs
Source: "..\..\docs\installation.md"; DestDir: "{app}\docs"; Flags: ignoreversion
Source: "SHELL-LAUNCHER.md"; DestDir: "{app}\docs"; Flags: ignoreversion
Source: "shell-launcher.xml"; DestDir: "{app}\docs"; Flags: ignoreversion

[Dirs]
; KIOSK_HOME: database, config, photos, print jobs, logs. Only the kiosk account and admins.
Name: "{commonappdata}\SZResidenceKiosk"; Permissions: admins-full system-full

[Registry]
; every process of the machine (the kiosk account's shell included) finds the same data folder
Root: HKLM; Subkey: "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"; \
  ValueType: string; ValueName: "KIOSK_HOME"; ValueData: "{commonappdata}\SZResidenceKiosk"; \
  Flags: uninsdeletevalue

[Run]
; give the local kiosk account (created beforehand, see SHELL-LAUNCHER.md) modify rights on the data folder
Filename: "{sys}\icacls.exe"; \
  Parameters: """{commonappdata}\SZResidenceKiosk"" /grant ""{#KioskUser}:(OI)(CI)M"" /T /Q"; \
  Flags: runhidden; StatusMsg: "Data folder permissions / 设置数据文件夹权限"; Check: KioskUserExists
Filename: "{app}\kiosk-cli.exe"; Parameters: "self-check"; \
  Flags: runhidden waituntilterminated; StatusMsg: "Self-check / 自检"

[UninstallDelete]
; the data folder is kept on uninstall on purpose: it holds applications not yet sent to the hub

[Code]
function KioskUserExists(): Boolean;
var
  ResultCode: Integer;
begin
  Result := Exec(ExpandConstant('{sys}\net.exe'), 'user {#KioskUser}', '', SW_HIDE,
                 ewWaitUntilTerminated, ResultCode) and (ResultCode = 0);
  if not Result then
    Log('Local account {#KioskUser} not found: create it, then grant it the data folder (SHELL-LAUNCHER.md step 1).');
end;
