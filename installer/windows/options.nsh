; Command-line options of the Madoguchi installer: ``/NAME=value``.
;
; NSIS's own GetOptions ends a value at the next "/", which a database URL is full of, so
; the value here ends at the next " /" (the start of the next option) or at the end, and may
; be quoted either way: "/BRANCH_NAME=北 出張所" or /BRANCH_NAME="北 出張所".
; Option names are matched without regard to case.
;
;   Push $CommandLineParameters
;   Push "/DATABASE_URL="
;   Call GetOptionValue
;   Pop $value          ; "" when the option is absent

!macro _GetOptionValue UN
Function ${UN}GetOptionValue
  Exch $1               ; "/NAME="
  Exch
  Exch $0               ; the parameters
  Push $2
  Push $3
  Push $4
  Push $5
  Push $6
  StrLen $3 $1
  StrLen $5 $0
  StrCpy $2 -1
  search:
    IntOp $2 $2 + 1
    IntCmp $2 $5 notfound 0 notfound
    StrCpy $4 $0 $3 $2
    StrCmp $4 $1 0 search
    StrCpy $6 ""
    IntCmp $2 0 found
    IntOp $4 $2 - 1
    StrCpy $4 $0 1 $4
    StrCmp $4 " " found
    StrCmp $4 '"' 0 search
    StrCpy $6 '"'       ; the whole option is quoted
  found:
    IntOp $2 $2 + $3
    StrCpy $0 $0 "" $2
    StrCmp $6 '"' scan
    StrCpy $4 $0 1
    StrCmp $4 '"' 0 scan
    StrCpy $6 '"'       ; the value is quoted
    StrCpy $0 $0 "" 1
  scan:
    StrCpy $2 -1
    StrLen $5 $0
  scanloop:
    IntOp $2 $2 + 1
    IntCmp $2 $5 cut 0 cut
    StrCmp $6 '"' 0 unquoted
    StrCpy $4 $0 1 $2
    StrCmp $4 '"' cut scanloop
  unquoted:
    StrCpy $4 $0 2 $2
    StrCmp $4 " /" cut scanloop
  cut:
    StrCpy $0 $0 $2
  trim:
    StrCpy $4 $0 1 -1
    StrCmp $4 " " 0 done
    StrCpy $0 $0 -1
    Goto trim
  notfound:
    StrCpy $0 ""
  done:
  Pop $6
  Pop $5
  Pop $4
  Pop $3
  Pop $2
  Pop $1
  Exch $0
FunctionEnd
!macroend
!insertmacro _GetOptionValue ""
