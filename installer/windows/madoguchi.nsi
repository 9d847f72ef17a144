; Madoguchi (窓口) — Windows installer for ward PCs (NSIS 3, Unicode).
;
; Built by `python installer/build.py windows --python-embed <zip>`, which stages
;   ${STAGE}\runtime\     the private CPython 3.11 (embeddable package) with pip unpacked
;   ${STAGE}\wheelhouse\  every wheel the app needs (win_amd64), so the PC needs no internet
;   ${STAGE}\share\       resources\ and forms\ ;  madoguchi.ico ; LICENSE.txt
; and runs makensis -DVERSION=… -DSTAGE=… -DOUTFILE=… -DCOMPRESSOR=… on this file.
;
; Layout on the PC:
;   C:\Program Files\Madoguchi\            python.exe, Lib\site-packages, Scripts\madoguchi.exe,
;                                          share\madoguchi\resources (fonts, styles, translations)
;   C:\ProgramData\Madoguchi\              settings.toml (this PC's settings), forms\ (the ward's
;                                          forms, kept on upgrade and uninstall), logs\ (install logs)
; Machine environment: MADOGUCHI_CONFIG → the settings.toml above; MADOGUCHI_RESOURCES_ROOT →
; the folder holding forms\ (C:\ProgramData\Madoguchi, or /FORMS_ROOT=).
;
; Silent install (deployment tools):
;   madoguchi-<version>-setup.exe /S [/DATABASE_URL=postgresql://…] [/BRANCH_ID=…] [/BRANCH_NAME=…]
;       [/COUNTER=3] [/PRINTER=…] [/SCANNER_FOLDER=…] [/FORMS_ROOT=\\server\madoguchi]
;       [/NODESKTOP] [/NOSELFTEST] [/D=C:\Program Files\Madoguchi]      (/D= last, unquoted)
; Exit code: 0 installed, 1 cancelled, 2 failed (see C:\ProgramData\Madoguchi\logs\install-pip.log).
; The self-test result never fails the install: read logs\install-selftest.log.

; A 64-bit Unicode installer: ward PCs run 64-bit Windows, and the runtime is 64-bit.
Target amd64-unicode
ManifestDPIAware true
RequestExecutionLevel admin
!ifdef COMPRESSOR
  SetCompressor /SOLID ${COMPRESSOR}
!endif

!ifndef VERSION
  !error "define VERSION (installer/build.py does)"
!endif
!ifndef STAGE
  !error "define STAGE (installer/build.py does)"
!endif
!ifndef OUTFILE
  !define OUTFILE "madoguchi-${VERSION}-setup.exe"
!endif

!define APP "Madoguchi"
!define APP_JA "窓口"
!define PUBLISHER "Madoguchi developers"
!define REG_UNINSTALL "Software\Microsoft\Windows\CurrentVersion\Uninstall\Madoguchi"
!define REG_APP "Software\Madoguchi"
!define REG_ENV "SYSTEM\CurrentControlSet\Control\Session Manager\Environment"
; BUILTIN\Users by SID: the group's name is translated on Japanese Windows
!define SID_USERS "*S-1-5-32-545"

!include MUI2.nsh
!include LogicLib.nsh
!include FileFunc.nsh
!include nsDialogs.nsh
!include x64.nsh
!include WinMessages.nsh

!ifdef STAND_IN
  Name "${APP} ${VERSION} (STAND-IN — not a working installer)"
!else
  Name "${APP} ${VERSION}"
!endif
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\${APP}"
InstallDirRegKey HKLM "${REG_APP}" "InstallDir"
BrandingText "${APP} ${VERSION}"
VIProductVersion "${VERSION}.0"
VIAddVersionKey /LANG=0 "ProductName" "${APP}"
VIAddVersionKey /LANG=0 "ProductVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileVersion" "${VERSION}"
VIAddVersionKey /LANG=0 "FileDescription" "${APP} (${APP_JA}) installer"
VIAddVersionKey /LANG=0 "CompanyName" "${PUBLISHER}"
VIAddVersionKey /LANG=0 "LegalCopyright" "MIT License"

Var MachineDir
Var FormsRoot
Var DatabaseUrl
Var BranchId
Var BranchName
Var Counter
Var Printer
Var ScannerFolder
Var NoDesktop
Var NoSelftest
Var SettingsFailed
; settings page controls
Var FieldDatabase
Var FieldBranchId
Var FieldBranchName
Var FieldCounter

!define MUI_ICON "${STAGE}\madoguchi.ico"
!define MUI_UNICON "${STAGE}\madoguchi.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_SHOWREADME "$MachineDir\logs\install-selftest.log"
!define MUI_FINISHPAGE_SHOWREADME_TEXT "$(ShowSelftest)"
!define MUI_FINISHPAGE_SHOWREADME_NOTCHECKED

!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_LICENSE "${STAGE}\LICENSE.txt"
!insertmacro MUI_PAGE_DIRECTORY
Page custom SettingsPage SettingsPageLeave
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES

; The first language is the default when Windows' own is neither.
!insertmacro MUI_LANGUAGE "Japanese"
!insertmacro MUI_LANGUAGE "English"

LangString SettingsTitle ${LANG_JAPANESE} "この端末の設定"
LangString SettingsTitle ${LANG_ENGLISH} "This PC's settings"
LangString SettingsSubtitle ${LANG_JAPANESE} "空欄の項目は変更しません（後から「設定」画面や madoguchi config set でも変更できます）。"
LangString SettingsSubtitle ${LANG_ENGLISH} "Empty fields are left as they are (change them later in 設定 or with madoguchi config set)."
LangString LabelDatabase ${LANG_JAPANESE} "共有データベースURL（空欄: この端末だけの内蔵SQLite）  例: postgresql://madoguchi:…@dbserver/madoguchi?sslmode=require"
LangString LabelDatabase ${LANG_ENGLISH} "Shared database URL (empty: this PC's own embedded SQLite)  e.g. postgresql://madoguchi:…@dbserver/madoguchi?sslmode=require"
LangString LabelBranchId ${LANG_JAPANESE} "拠点ID（英数字・-・_）  例: kita-shucchojo"
LangString LabelBranchId ${LANG_ENGLISH} "Branch id (letters, digits, - and _)  e.g. kita-shucchojo"
LangString LabelBranchName ${LANG_JAPANESE} "拠点名  例: 北特別出張所"
LangString LabelBranchName ${LANG_ENGLISH} "Branch name  e.g. 北特別出張所"
LangString LabelCounter ${LANG_JAPANESE} "この端末の窓口番号（1〜999）"
LangString LabelCounter ${LANG_ENGLISH} "Counter number of this PC (1-999)"
LangString ShowSelftest ${LANG_JAPANESE} "自己診断（selftest）の結果を開く"
LangString ShowSelftest ${LANG_ENGLISH} "Open the self-test (selftest) result"
LangString Need64 ${LANG_JAPANESE} "64ビット版の Windows が必要です。"
LangString Need64 ${LANG_ENGLISH} "Madoguchi needs 64-bit Windows."
LangString StandIn ${LANG_JAPANESE} "これはビルド確認用のダミー（STAND-IN）で、何もインストールしません。"
LangString StandIn ${LANG_ENGLISH} "This is a STAND-IN build to check the script; it installs nothing."
LangString PipFailed ${LANG_JAPANESE} "Python パッケージのインストールに失敗しました。ログ: $MachineDir\logs\install-pip.log"
LangString PipFailed ${LANG_ENGLISH} "Installing the Python packages failed. Log: $MachineDir\logs\install-pip.log"
LangString SettingFailed ${LANG_JAPANESE} "設定の一部を書き込めませんでした（値を確認してください）。ログ: $MachineDir\logs\install-settings.log"
LangString SettingFailed ${LANG_ENGLISH} "Some settings could not be written (check the values). Log: $MachineDir\logs\install-settings.log"
LangString SelftestNG ${LANG_JAPANESE} "インストールは完了しましたが、自己診断で問題が見つかりました。ログ: $MachineDir\logs\install-selftest.log"
LangString SelftestNG ${LANG_ENGLISH} "Installed, but the self-test found a problem. Log: $MachineDir\logs\install-selftest.log"
LangString ShortcutApp ${LANG_JAPANESE} "Madoguchi 窓口"
LangString ShortcutApp ${LANG_ENGLISH} "Madoguchi"
LangString ShortcutDemo ${LANG_JAPANESE} "Madoguchi デモ（練習用）"
LangString ShortcutDemo ${LANG_ENGLISH} "Madoguchi demo (practice)"
LangString ShortcutShell ${LANG_JAPANESE} "Madoguchi コマンドプロンプト"
LangString ShortcutShell ${LANG_ENGLISH} "Madoguchi command prompt"
LangString ShortcutSelftest ${LANG_JAPANESE} "Madoguchi 自己診断"
LangString ShortcutSelftest ${LANG_ENGLISH} "Madoguchi self-test"
LangString ShortcutUninstall ${LANG_JAPANESE} "Madoguchi のアンインストール"
LangString ShortcutUninstall ${LANG_ENGLISH} "Uninstall Madoguchi"

; ------------------------------------------------------------------ options

!addincludedir "${__FILEDIR__}"
!include "options.nsh"

!macro ReadOption NAME VAR
  Push $R0
  Push "/${NAME}="
  Call GetOptionValue
  Pop ${VAR}
!macroend

!macro ReadFlag NAME VAR
  ClearErrors
  ${GetOptions} $R0 "/${NAME}" $R1
  ${If} ${Errors}
    StrCpy ${VAR} "0"
  ${Else}
    StrCpy ${VAR} "1"
  ${EndIf}
!macroend

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "$(Need64)" /SD IDOK
    SetErrorLevel 2
    Quit
  ${EndIf}
  SetRegView 64
  SetShellVarContext all
  ; with the "all users" context $APPDATA is C:\ProgramData
  StrCpy $MachineDir "$APPDATA\${APP}"
!ifdef STAND_IN
  MessageBox MB_ICONEXCLAMATION "$(StandIn)" /SD IDOK
  SetErrorLevel 2
  Quit
!endif
  ${GetParameters} $R0
  !insertmacro ReadOption "DATABASE_URL" $DatabaseUrl
  !insertmacro ReadOption "BRANCH_ID" $BranchId
  !insertmacro ReadOption "BRANCH_NAME" $BranchName
  !insertmacro ReadOption "COUNTER" $Counter
  !insertmacro ReadOption "PRINTER" $Printer
  !insertmacro ReadOption "SCANNER_FOLDER" $ScannerFolder
  !insertmacro ReadOption "FORMS_ROOT" $FormsRoot
  !insertmacro ReadFlag "NODESKTOP" $NoDesktop
  !insertmacro ReadFlag "NOSELFTEST" $NoSelftest
  ${If} $FormsRoot == ""
    StrCpy $FormsRoot "$MachineDir"
  ${EndIf}
FunctionEnd

; ------------------------------------------------------------------ settings page (GUI only)

Function SettingsPage
  !insertmacro MUI_HEADER_TEXT "$(SettingsTitle)" "$(SettingsSubtitle)"
  nsDialogs::Create 1018
  Pop $0
  ${If} $0 == error
    Abort
  ${EndIf}
  ${NSD_CreateLabel} 0 0u 100% 18u "$(LabelDatabase)"
  Pop $0
  ${NSD_CreateText} 0 19u 100% 12u "$DatabaseUrl"
  Pop $FieldDatabase
  ${NSD_CreateLabel} 0 38u 100% 10u "$(LabelBranchId)"
  Pop $0
  ${NSD_CreateText} 0 49u 50% 12u "$BranchId"
  Pop $FieldBranchId
  ${NSD_CreateLabel} 0 68u 100% 10u "$(LabelBranchName)"
  Pop $0
  ${NSD_CreateText} 0 79u 50% 12u "$BranchName"
  Pop $FieldBranchName
  ${NSD_CreateLabel} 0 98u 100% 10u "$(LabelCounter)"
  Pop $0
  ${NSD_CreateNumber} 0 109u 20% 12u "$Counter"
  Pop $FieldCounter
  ${NSD_SetFocus} $FieldDatabase
  nsDialogs::Show
FunctionEnd

Function SettingsPageLeave
  ${NSD_GetText} $FieldDatabase $DatabaseUrl
  ${NSD_GetText} $FieldBranchId $BranchId
  ${NSD_GetText} $FieldBranchName $BranchName
  ${NSD_GetText} $FieldCounter $Counter
FunctionEnd

; ------------------------------------------------------------------ helpers

; Run a command through cmd so that its output goes to a log file (UTF-8, PYTHONUTF8);
; leaves the exit code in $0.
!macro RunLogged COMMAND LOG
  nsExec::Exec '"$SYSDIR\cmd.exe" /d /s /c "${COMMAND} >> "${LOG}" 2>&1"'
  Pop $0
!macroend

; `madoguchi config set KEY VALUE`: the app validates the value as it does for everyone.
!macro SetSetting KEY VALUE
  ${If} ${VALUE} != ""
    DetailPrint "madoguchi config set ${KEY}"
    !insertmacro RunLogged '"$INSTDIR\python.exe" -m madoguchi config set ${KEY} "${VALUE}"' "$MachineDir\logs\install-settings.log"
    ${If} $0 != 0
      StrCpy $SettingsFailed "1"
    ${EndIf}
  ${EndIf}
!macroend

!macro SetProcessEnv NAME VALUE
  System::Call 'Kernel32::SetEnvironmentVariable(t "${NAME}", t "${VALUE}") i'
!macroend

; ------------------------------------------------------------------ install

Section "Madoguchi" SecMain
  SectionIn RO
  SetShellVarContext all
  SetRegView 64
  CreateDirectory "$MachineDir\logs"
  CreateDirectory "$MachineDir\forms"

  ; An upgrade replaces the whole runtime, so no package of the old version lingers.
  RMDir /r "$INSTDIR\Lib"
  RMDir /r "$INSTDIR\Scripts"
  RMDir /r "$INSTDIR\share"

  SetOutPath "$INSTDIR"
  File /r "${STAGE}\runtime\*.*"
  File "${STAGE}\madoguchi.ico"
  File "${STAGE}\LICENSE.txt"
  SetOutPath "$INSTDIR\share\madoguchi\resources"
  File /r "${STAGE}\share\resources\*.*"
  SetOutPath "$INSTDIR\wheelhouse"
  File /r "${STAGE}\wheelhouse\*.*"
  ; The shipped forms go beside the ward's own. A file the ward edited after this build
  ; (a form, events.yaml) is newer and is kept; an untouched shipped file is updated.
  SetOutPath "$MachineDir\forms"
  SetOverwrite ifnewer
  File /r "${STAGE}\share\forms\*.*"
  SetOverwrite on
  SetOutPath "$INSTDIR"

  ; Offline: only the wheels inside this installer.
  ; Exactly the wheels of the wheelhouse (requirements.txt pins them; build.py walked the closure).
  DetailPrint "pip install --no-index --no-deps -r wheelhouse\requirements.txt"
  !insertmacro SetProcessEnv "PYTHONUTF8" "1"
  !insertmacro SetProcessEnv "PIP_DISABLE_PIP_VERSION_CHECK" "1"
  Delete "$MachineDir\logs\install-pip.log"
  !insertmacro RunLogged '"$INSTDIR\python.exe" -m pip install --no-index --no-deps --find-links "$INSTDIR\wheelhouse" --no-warn-script-location -r "$INSTDIR\wheelhouse\requirements.txt"' "$MachineDir\logs\install-pip.log"
  ${If} $0 != 0
    DetailPrint "pip: exit $0"
    MessageBox MB_ICONSTOP "$(PipFailed)" /SD IDOK
    SetErrorLevel 2
    Abort
  ${EndIf}
  RMDir /r "$INSTDIR\wheelhouse"

  ; This PC's settings live in ProgramData (one file per PC, whoever logs in).
  WriteRegExpandStr HKLM "${REG_ENV}" "MADOGUCHI_CONFIG" "$MachineDir\settings.toml"
  WriteRegExpandStr HKLM "${REG_ENV}" "MADOGUCHI_RESOURCES_ROOT" "$FormsRoot"
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  !insertmacro SetProcessEnv "MADOGUCHI_CONFIG" "$MachineDir\settings.toml"
  !insertmacro SetProcessEnv "MADOGUCHI_RESOURCES_ROOT" "$FormsRoot"
  ; Settings, logs and the demo database of the install itself stay out of the admin's profile.
  !insertmacro SetProcessEnv "MADOGUCHI_HOME" "$TEMP\madoguchi-setup"

  Delete "$MachineDir\logs\install-settings.log"
  StrCpy $SettingsFailed "0"
  !insertmacro SetSetting "database_url" "$DatabaseUrl"
  !insertmacro SetSetting "branch_id" "$BranchId"
  !insertmacro SetSetting "branch_name" "$BranchName"
  !insertmacro SetSetting "counter_number" "$Counter"
  !insertmacro SetSetting "printer_name" "$Printer"
  !insertmacro SetSetting "scanner_folder" "$ScannerFolder"
  ${If} $SettingsFailed == "1"
    MessageBox MB_ICONEXCLAMATION "$(SettingFailed)" /SD IDOK
  ${EndIf}
  ; Settings are an administrator's: Users only read settings.toml (machine-wide settings change
  ; from an elevated Madoguchi command prompt, `madoguchi config set KEY VALUE --user ADMIN`).
  ; The form designer saves forms and every user writes the logs.
  nsExec::Exec '"$SYSDIR\icacls.exe" "$MachineDir\forms" /grant ${SID_USERS}:(OI)(CI)M /T /C /Q'
  Pop $0
  nsExec::Exec '"$SYSDIR\icacls.exe" "$MachineDir\logs" /grant ${SID_USERS}:(OI)(CI)M /T /C /Q'
  Pop $0

  ; Shortcuts for everyone
  CreateDirectory "$SMPROGRAMS\${APP}"
  CreateShortcut "$SMPROGRAMS\${APP}\$(ShortcutApp).lnk" "$INSTDIR\pythonw.exe" "-m madoguchi" "$INSTDIR\madoguchi.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\$(ShortcutDemo).lnk" "$INSTDIR\pythonw.exe" "-m madoguchi demo" "$INSTDIR\madoguchi.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\$(ShortcutShell).lnk" "$SYSDIR\cmd.exe" '/k "set "PATH=$INSTDIR\Scripts;%PATH%" && madoguchi --help"' "$INSTDIR\madoguchi.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\$(ShortcutSelftest).lnk" "$SYSDIR\cmd.exe" '/k ""$INSTDIR\Scripts\madoguchi.exe" selftest"' "$INSTDIR\madoguchi.ico"
  CreateShortcut "$SMPROGRAMS\${APP}\$(ShortcutUninstall).lnk" "$INSTDIR\uninstall.exe"
  ${If} $NoDesktop != "1"
    CreateShortcut "$DESKTOP\$(ShortcutApp).lnk" "$INSTDIR\pythonw.exe" "-m madoguchi" "$INSTDIR\madoguchi.ico"
  ${EndIf}

  ; Uninstaller and "Apps & features" entry
  WriteUninstaller "$INSTDIR\uninstall.exe"
  WriteRegStr HKLM "${REG_APP}" "InstallDir" "$INSTDIR"
  WriteRegStr HKLM "${REG_APP}" "MachineDir" "$MachineDir"
  WriteRegStr HKLM "${REG_UNINSTALL}" "DisplayName" "${APP} (${APP_JA})"
  WriteRegStr HKLM "${REG_UNINSTALL}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${REG_UNINSTALL}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKLM "${REG_UNINSTALL}" "DisplayIcon" "$INSTDIR\madoguchi.ico"
  WriteRegStr HKLM "${REG_UNINSTALL}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${REG_UNINSTALL}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${REG_UNINSTALL}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${REG_UNINSTALL}" "NoModify" 1
  WriteRegDWORD HKLM "${REG_UNINSTALL}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKLM "${REG_UNINSTALL}" "EstimatedSize" "$0"

  ; Is this PC ready for the counter? (Never fails the install; the log says what to do.)
  ${If} $NoSelftest != "1"
    DetailPrint "madoguchi selftest → $MachineDir\logs\install-selftest.log"
    Delete "$MachineDir\logs\install-selftest.log"
    !insertmacro RunLogged '"$INSTDIR\python.exe" -m madoguchi selftest' "$MachineDir\logs\install-selftest.log"
    DetailPrint "madoguchi selftest: exit $0"
    ${If} $0 != 0
      MessageBox MB_ICONEXCLAMATION "$(SelftestNG)" /SD IDOK
    ${EndIf}
  ${EndIf}
  RMDir /r "$TEMP\madoguchi-setup"
SectionEnd

; ------------------------------------------------------------------ uninstall

Function un.onInit
  SetRegView 64
  SetShellVarContext all
  ReadRegStr $MachineDir HKLM "${REG_APP}" "MachineDir"
  ${If} $MachineDir == ""
    StrCpy $MachineDir "$APPDATA\${APP}"
  ${EndIf}
FunctionEnd

Section "Uninstall"
  SetShellVarContext all
  SetRegView 64
  RMDir /r "$SMPROGRAMS\${APP}"
  Delete "$DESKTOP\Madoguchi 窓口.lnk"
  Delete "$DESKTOP\Madoguchi.lnk"

  ; Only what the installer put there (never a blind RMDir /r of $INSTDIR).
  ${If} ${FileExists} "$INSTDIR\madoguchi.ico"
    RMDir /r "$INSTDIR\Lib"
    RMDir /r "$INSTDIR\Scripts"
    RMDir /r "$INSTDIR\share"
    RMDir /r "$INSTDIR\wheelhouse"
    RMDir /r "$INSTDIR\__pycache__"
    Delete "$INSTDIR\python*.*"
    Delete "$INSTDIR\*.pyd"
    Delete "$INSTDIR\*.dll"
    Delete "$INSTDIR\LICENSE*.txt"
    Delete "$INSTDIR\STAND-IN.txt"
    Delete "$INSTDIR\madoguchi.ico"
  ${EndIf}
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"

  DeleteRegValue HKLM "${REG_ENV}" "MADOGUCHI_CONFIG"
  DeleteRegValue HKLM "${REG_ENV}" "MADOGUCHI_RESOURCES_ROOT"
  SendMessage ${HWND_BROADCAST} ${WM_SETTINGCHANGE} 0 "STR:Environment" /TIMEOUT=5000
  DeleteRegKey HKLM "${REG_UNINSTALL}"
  DeleteRegKey HKLM "${REG_APP}"
  ; $MachineDir (settings.toml, the ward's forms, logs) is kept: the ward's data, not the program's.
SectionEnd
