<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="ja">
<context>
    <name>CounterView</name>
    <message>
        <source>窓口</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>本人確認書類の読取から帳票の印刷まで</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>DisplayView</name>
    <message>
        <source>表示</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>ロビー表示</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>受付</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>窓口</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>表示</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>管理</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>設定</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>窓口 Madoguchi</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>（デモ）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>全画面</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>データベース: 接続中…</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>この画面を開く権限がありません。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>未ログイン</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{0}（{1}）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>職員</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>管理者（係長）</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>システム管理者</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>{0} {1}番窓口</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>設定に問題があります。設定画面で確認してください。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>データベース: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>データベース: オフライン</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>ReceptionView</name>
    <message>
        <source>受付</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>整理券の発行</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <source>設定</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>元に戻す</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>保存 (Ctrl+S)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>設定ファイル: {0}</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>設定ファイルに問題があります（既定値で起動しました）:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>保存しました。</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>表示言語は再起動後に切り替わります。</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>SupervisorView</name>
    <message>
        <source>管理</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>待ち状況の監視</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>