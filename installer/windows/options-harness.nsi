; Check of options.nsh's GetOptionValue: writes NAME=[value] lines (UTF-16LE) to result.txt
; beside the exe. tests/installer/test_windows.py compiles it, and runs it when Wine is there:
;   makensis -INPUTCHARSET UTF8 -DOUTFILE=/tmp/h.exe installer/windows/options-harness.nsi && wine /tmp/h.exe
Target amd64-unicode
!ifndef OUTFILE
  !define OUTFILE "options-harness.exe"
!endif
OutFile "${OUTFILE}"
RequestExecutionLevel user
SilentInstall silent
!addincludedir "${__FILEDIR__}"
!include "options.nsh"
Var Out
!macro Case PARAMS NAME
  Push `${PARAMS}`
  Push "/${NAME}="
  Call GetOptionValue
  Pop $0
  FileWriteUTF16LE $Out "${NAME}=[$0]$\r$\n"
!macroend
Section
  FileOpen $Out "$EXEDIR\result.txt" w
  !insertmacro Case '/S /DATABASE_URL=postgresql://madoguchi:pw@db.example.lg.jp/madoguchi?sslmode=require /COUNTER=3' DATABASE_URL
  !insertmacro Case '/S /DATABASE_URL=postgresql://madoguchi:pw@db.example.lg.jp/madoguchi?sslmode=require /COUNTER=3' COUNTER
  !insertmacro Case '"/BRANCH_NAME=北 出張所" /COUNTER=12' BRANCH_NAME
  !insertmacro Case '/BRANCH_NAME="北 出張所" /D=C:\x' BRANCH_NAME
  !insertmacro Case '/counter=5' COUNTER
  !insertmacro Case '/S' DATABASE_URL
  !insertmacro Case '/FORMS_ROOT=\\server\madoguchi /NODESKTOP' FORMS_ROOT
  !insertmacro Case '/BRANCH_NAME=北 出張所 /COUNTER=2' BRANCH_NAME
  !insertmacro Case '/PRINTER=Counter3-A4' PRINTER
  FileClose $Out
SectionEnd
