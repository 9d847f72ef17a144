<?xml version='1.0' encoding='utf-8'?>
<TS version="2.1" language="en" sourcelanguage="ja">
<context>
    <name>AuditView</name>
    <message>
        <source>番号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>日時</source>
        <translation>Date and time</translation>
    </message>
    <message>
        <source>操作者</source>
        <translation>User</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>来庁ID</source>
        <translation>Visit ID</translation>
    </message>
    <message>
        <source>詳細</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>監査</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>監査ログ</source>
        <translation>Audit log</translation>
    </message>
    <message>
        <source>職員アカウント</source>
        <translation>Clerk accounts</translation>
    </message>
    <message>
        <source>誰が・いつ・どの来庁で何をしたかの記録です（個人情報は含みません）。各行は前の行のハッシュを持ち、書き換えや削除を検出できます。</source>
        <translation>A record of who did what, when, and in which visit (no personal data). Each row carries the hash of the previous row, so edits and deletions can be detected.</translation>
    </message>
    <message>
        <source>期間(&amp;F)</source>
        <translation>&amp;From</translation>
    </message>
    <message>
        <source>表示 (F5)</source>
        <translation>Show (F5)</translation>
    </message>
    <message>
        <source>改ざん検証 (Ctrl+Shift+V)</source>
        <translation>Verify integrity (Ctrl+Shift+V)</translation>
    </message>
    <message>
        <source>CSV出力 (Ctrl+E)</source>
        <translation>Export CSV (Ctrl+E)</translation>
    </message>
    <message>
        <source>監査ログのCSV出力</source>
        <translation>Export audit log as CSV</translation>
    </message>
    <message>
        <source>{0} 件を {1} に出力しました。</source>
        <translation>Exported {0} rows to {1}.</translation>
    </message>
    <message>
        <source>失敗しました（{0}）。</source>
        <translation>Failed ({0}).</translation>
    </message>
</context>
<context>
    <name>CardStepWidget</name>
    <message>
        <source>本人確認書類を読み取ります</source>
        <translation>Read the ID document</translation>
    </message>
    <message>
        <source>カードをリーダーに置いてください</source>
        <translation>Place the card on the reader</translation>
    </message>
    <message>
        <source>画像ファイルを開く</source>
        <translation>Open image file</translation>
    </message>
    <message>
        <source>カメラで撮る</source>
        <translation>Take with camera</translation>
    </message>
    <message>
        <source>ICチップを読む</source>
        <translation>Read IC chip</translation>
    </message>
    <message>
        <source>見本カードで試す:</source>
        <extracomment>the demo's sample cards (set_samples): one button each, read like an opened file</extracomment>
        <translation>Try with a sample card:</translation>
    </message>
    <message>
        <source>スキャナで読み取る（自動で取り込みます）</source>
        <translation>Scan with the scanner (imported automatically)</translation>
    </message>
    <message>
        <source>書画カメラの下に置いて静止させる（自動で撮影します）</source>
        <translation>Hold still under the document camera (captured automatically)</translation>
    </message>
    <message>
        <source>画像ファイルを開く（Ctrl+O）</source>
        <translation>Open image file (Ctrl+O)</translation>
    </message>
    <message>
        <source>次のいずれかで読み取ってください: </source>
        <translation>Read the card in one of these ways: </translation>
    </message>
    <message>
        <source> ／ </source>
        <translation> / </translation>
    </message>
    <message>
        <source>本人確認書類の画像</source>
        <translation>ID document image</translation>
    </message>
    <message>
        <source>画像 (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp)</source>
        <translation>Images (*.png *.jpg *.jpeg *.tif *.tiff *.bmp *.webp)</translation>
    </message>
    <message>
        <source>カメラ映像を表示しています。カードを置いて手を離してください。</source>
        <translation>Showing the camera image. Place the card and take your hand away.</translation>
    </message>
    <message>
        <source>カードを検出しました。動かさずにお待ちください…</source>
        <translation>Card detected. Please keep it still…</translation>
    </message>
    <message>
        <source>カードが見えません。カメラの下に置いてください。</source>
        <translation>No card visible. Place it under the camera.</translation>
    </message>
    <message>
        <source>（ここに読み取ったカードが表示されます）</source>
        <translation>(The card that was read appears here)</translation>
    </message>
</context>
<context>
    <name>CheckStepWidget</name>
    <message>
        <source>読み取り結果を確認してください</source>
        <translation>Check what was read</translation>
    </message>
    <message>
        <source>読み直す</source>
        <translation>Read again</translation>
    </message>
    <message>
        <source>フリガナ候補を採用</source>
        <translation>Use kana suggestion</translation>
    </message>
    <message>
        <source>確定して次へ</source>
        <translation>Confirm and continue</translation>
    </message>
    <message>
        <source>直す必要がある項目: {0}。赤枠の項目を直してください。</source>
        <translation>Fields to correct: {0}. Correct the fields outlined in red.</translation>
    </message>
    <message>
        <source>黄色の項目（{0}件）をカードと見比べてください。よければ Ctrl+Enter で確定します。</source>
        <translation>Compare the yellow fields ({0}) with the card. If they are right, press Ctrl+Enter to confirm.</translation>
    </message>
    <message>
        <source>すべての項目を読み取りました。Ctrl+Enter で確定します。</source>
        <translation>All fields were read. Press Ctrl+Enter to confirm.</translation>
    </message>
    <message>
        <source>読取に自信なし: カードと見比べてください</source>
        <translation>Uncertain reading: compare with the card</translation>
    </message>
    <message>
        <source>郵便番号データから補完</source>
        <translation>Completed from postal code data</translation>
    </message>
    <message>
        <source>ICチップから</source>
        <translation>From the IC chip</translation>
    </message>
    <message>
        <source>（Alt+K）</source>
        <translation>(Alt+K)</translation>
    </message>
    <message>
        <source>候補: {0}</source>
        <translation>Suggestion: {0}</translation>
    </message>
    <message>
        <source>採用</source>
        <translation>Use</translation>
    </message>
    <message>
        <source>郵便番号データから</source>
        <translation>From postal code data</translation>
    </message>
    <message>
        <source>職員が入力</source>
        <translation>Entered by clerk</translation>
    </message>
    <message>
        <source>カードに記載なし</source>
        <translation>Not on the card</translation>
    </message>
    <message>
        <source>画像なし</source>
        <translation>No image</translation>
    </message>
    <message>
        <source>カード画像はありません
（画像はメモリにだけ置かれ、保存されません）</source>
        <translation>No card image
(images are kept in memory only, never saved)</translation>
    </message>
    <message>
        <source>確定できません: {0}</source>
        <translation>Cannot confirm: {0}</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
</context>
<context>
    <name>CounterView</name>
    <message>
        <source>予期しないエラーが起きました（{0}）。もう一度試してください。入力した内容は保持しています。</source>
        <translation>An unexpected error occurred ({0}). Please try again. Your input has been kept.</translation>
    </message>
    <message>
        <source>受付を中止（Ctrl+Shift+Del）</source>
        <translation type="vanished">Cancel visit (Ctrl+Shift+Del)</translation>
    </message>
    <message>
        <source>入力途中の自動保存が使えません: </source>
        <translation type="vanished">Autosave of unfinished input is unavailable: </translation>
    </message>
    <message>
        <source>整理券の呼び出しはまだ使えません。整理券なしで受付できます（F3）。</source>
        <translation>Calling tickets is not available yet. You can start a visit without a ticket (F3).</translation>
    </message>
    <message>
        <source>　・　</source>
        <translation>  ·  </translation>
    </message>
    <message>
        <source>マイナンバーカード</source>
        <extracomment>the demo's sample cards (resources/samples, generated by tests/data/demo_samples.py)</extracomment>
        <translation>My Number card</translation>
    </message>
    <message>
        <source>運転免許証</source>
        <translation>Driver&apos;s licence</translation>
    </message>
    <message>
        <source>在留カード</source>
        <translation>Residence card</translation>
    </message>
    <message>
        <source>　・　Tab 次の項目　・　Ctrl+数字 画面切替</source>
        <translation>  ·  Tab next field  ·  Ctrl+number switch step</translation>
    </message>
    <message>
        <source>整理券 {0}</source>
        <translation>Ticket {0}</translation>
    </message>
    <message>
        <source>整理券なし</source>
        <translation>No ticket</translation>
    </message>
    <message>
        <source>自動保存に失敗しました: </source>
        <translation type="vanished">Autosave failed: </translation>
    </message>
    <message>
        <source>{0} に中断した受付（受付番号 {1}）</source>
        <translation type="vanished">Visit interrupted at {0} (ticket {1})</translation>
    </message>
    <message>
        <source>お待ちの方はいません。</source>
        <translation>No one is waiting.</translation>
    </message>
    <message>
        <source>中断した受付を再開しました。カード画像は保存されないため表示されません。</source>
        <translation>Resumed the interrupted visit. The card image is not shown because it is never saved.</translation>
    </message>
    <message>
        <source>読取の準備中です。数秒後にもう一度試してください。</source>
        <translation>The reader is getting ready. Try again in a few seconds.</translation>
    </message>
    <message>
        <source>読み取っています…</source>
        <translation>Reading…</translation>
    </message>
    <message>
        <source>　置き直して読み取るか、画像ファイルを開いてください。</source>
        <translation>  Place the card again and read it, or open an image file.</translation>
    </message>
    <message>
        <source>　カードを書画カメラ・スキャナで読み取ることもできます（Ctrl+O）。</source>
        <translation>  You can also read the card with the document camera or scanner (Ctrl+O).</translation>
    </message>
    <message>
        <source>PDFで保存</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation>PDF (*.pdf)</translation>
    </message>
    <message>
        <source>PDFを保存しました: {0}</source>
        <translation>Saved the PDF: {0}</translation>
    </message>
    <message>
        <source>受付を中止</source>
        <translation>Cancel visit</translation>
    </message>
    <message>
        <source>この受付を中止して、入力した内容と帳票を消去しますか？（元に戻せません）</source>
        <translation>Cancel this visit and erase the input and the forms? (This cannot be undone.)</translation>
    </message>
    <message>
        <source>受付を中止しました。入力した内容は消去しました。</source>
        <translation>Visit cancelled. The input has been erased.</translation>
    </message>
    <message>
        <source>お客様の情報は画面・メモリ・自動保存から消去しました。</source>
        <translation>The resident's data has been erased from the screen, memory and autosave.</translation>
    </message>
    <message>
        <source>整理券 {0} を完了にしました。</source>
        <translation>Ticket {0} marked as done.</translation>
    </message>
    <message>
        <source>カード</source>
        <translation>Card</translation>
    </message>
    <message>
        <source>確認</source>
        <translation>Check</translation>
    </message>
    <message>
        <source>完了</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>プレビュー</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>印刷</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>手続</source>
        <translation>Procedure</translation>
    </message>
    <message>
        <source>受付</source>
        <translation>Reception</translation>
    </message>
</context>
<context>
    <name>CredentialsForm</name>
    <message>
        <source>ログイン名(&amp;L)</source>
        <translation>&amp;Login name</translation>
    </message>
    <message>
        <source>パスワード(&amp;P)</source>
        <translation>&amp;Password</translation>
    </message>
    <message>
        <source>ログイン (Enter)</source>
        <translation>Log in (Enter)</translation>
    </message>
    <message>
        <source>ログイン名とパスワードを入力してください。</source>
        <translation>Enter your login name and password.</translation>
    </message>
    <message>
        <source>データベースに接続できないため、ログインできません。接続の回復を待ってください。</source>
        <translation>Cannot log in: the database is unreachable. Wait for the connection to come back.</translation>
    </message>
    <message>
        <source>パスワードを続けて間違えたため、30秒待ってからもう一度入力してください。</source>
        <translation>Too many wrong passwords. Wait 30 seconds, then try again.</translation>
    </message>
    <message>
        <source>ログイン名またはパスワードが違います。</source>
        <translation>Wrong login name or password.</translation>
    </message>
    <message>
        <source>ログインの確認に失敗しました（{0}）。</source>
        <translation>Could not check the login ({0}).</translation>
    </message>
</context>
<context>
    <name>DataText</name>
    <message>
        <source>転入（他の市区町村から）</source>
        <translation>Moving in (from another municipality)</translation>
    </message>
    <message>
        <source>転居（区内の引っ越し）</source>
        <translation>Moving within the ward</translation>
    </message>
    <message>
        <source>転出（他の市区町村へ）</source>
        <translation>Moving out (to another municipality)</translation>
    </message>
    <message>
        <source>出生</source>
        <translation>Birth</translation>
    </message>
    <message>
        <source>婚姻</source>
        <translation>Marriage</translation>
    </message>
    <message>
        <source>死亡</source>
        <translation>Death</translation>
    </message>
    <message>
        <source>証明書の交付</source>
        <translation>Certificates</translation>
    </message>
    <message>
        <source>国民健康保険に加入しますか（加入していますか）</source>
        <translation>Joining (or in) National Health Insurance?</translation>
    </message>
    <message>
        <source>印鑑登録をしますか</source>
        <translation>Registering a personal seal?</translation>
    </message>
    <message>
        <source>マイナンバーカードを持参していますか</source>
        <translation>Brought the My Number card?</translation>
    </message>
    <message>
        <source>住民票の写しが必要ですか</source>
        <translation>Needs a copy of the residence certificate?</translation>
    </message>
    <message>
        <source>必要な証明書</source>
        <translation>Certificates needed</translation>
    </message>
    <message>
        <source>児童手当を受けていますか</source>
        <translation>Receiving child allowance?</translation>
    </message>
    <message>
        <source>住民異動届</source>
        <translation>Change of residence (住民異動届)</translation>
    </message>
    <message>
        <source>住民票の写し等交付申請書</source>
        <translation>Residence certificate (住民票の写し等交付申請書)</translation>
    </message>
    <message>
        <source>戸籍証明書等請求書</source>
        <translation>Family register (戸籍証明書等請求書)</translation>
    </message>
    <message>
        <source>課税・非課税証明書交付申請書</source>
        <translation>Tax certificate (課税・非課税証明書交付申請書)</translation>
    </message>
    <message>
        <source>印鑑登録申請書</source>
        <translation>Seal registration (印鑑登録申請書)</translation>
    </message>
    <message>
        <source>国民健康保険 資格取得・喪失届</source>
        <translation>Health insurance (国民健康保険 資格取得・喪失届)</translation>
    </message>
    <message>
        <source>後期高齢者医療 資格取得・異動届</source>
        <translation>Elderly medical care (後期高齢者医療 資格取得・異動届)</translation>
    </message>
    <message>
        <source>児童手当 認定請求書</source>
        <translation>Child allowance (児童手当 認定請求書)</translation>
    </message>
    <message>
        <source>個人番号カード 券面記載事項変更届</source>
        <translation>My Number card change (個人番号カード 券面記載事項変更届)</translation>
    </message>
    <message>
        <source>氏</source>
        <translation>Family name</translation>
    </message>
    <message>
        <source>名</source>
        <translation>Given name</translation>
    </message>
    <message>
        <source>氏（フリガナ）</source>
        <translation>Family name (kana reading)</translation>
    </message>
    <message>
        <source>名（フリガナ）</source>
        <translation>Given name (kana reading)</translation>
    </message>
    <message>
        <source>生年月日</source>
        <translation>Date of birth</translation>
    </message>
    <message>
        <source>性別</source>
        <translation>Sex</translation>
    </message>
    <message>
        <source>郵便番号</source>
        <translation>Postal code</translation>
    </message>
    <message>
        <source>住所</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>手続を選んでください。</source>
        <translation>Choose a procedure.</translation>
    </message>
    <message>
        <source>新しい住所を入力してください。</source>
        <translation>Enter the new address.</translation>
    </message>
    <message>
        <source>異動日を入力してください。</source>
        <translation>Enter the date of the move.</translation>
    </message>
    <message>
        <source>帳票が選ばれていません。</source>
        <translation>No forms are selected.</translation>
    </message>
    <message>
        <source>住所は市区町村から入力してください（郵便番号を入れると町名まで入ります）。</source>
        <translation>Enter the address from the city on (a postal code fills in the town).</translation>
    </message>
    <message>
        <source>番地を入力してください。</source>
        <translation>Enter the block and house number (番地).</translation>
    </message>
</context>
<context>
    <name>DisplayView</name>
    <message>
        <source>ロビー画面に全画面表示 (F9)</source>
        <translation>Full screen on lobby display (F9)</translation>
    </message>
    <message>
        <source>チャイムと音声 (F8)</source>
        <translation>Chime and voice (F8)</translation>
    </message>
    <message>
        <source>音声テスト (F7)</source>
        <translation>Test voice (F7)</translation>
    </message>
    <message>
        <source>音声: 最初の呼出で確認します（音声テストで今すぐ確認）</source>
        <translation>Voice: checked at the first call (use Test voice to check now)</translation>
    </message>
    <message>
        <source>音声: {0}（{1}）</source>
        <translation>Voice: {0} ({1})</translation>
    </message>
    <message>
        <source>音声なし: {0}</source>
        <translation>No voice: {0}</translation>
    </message>
</context>
<context>
    <name>DoneStepWidget</name>
    <message>
        <source>受付が完了しました</source>
        <translation>Visit complete</translation>
    </message>
    <message>
        <source>次の整理券を呼ぶ</source>
        <translation>Call next ticket</translation>
    </message>
    <message>
        <source>整理券なしで受付</source>
        <translation>Start without ticket</translation>
    </message>
</context>
<context>
    <name>DraftKeeper</name>
    <message>
        <source>入力途中の自動保存が使えません: </source>
        <translation>Autosave of unfinished input is unavailable: </translation>
    </message>
    <message>
        <source>自動保存に失敗しました: </source>
        <translation>Autosave failed: </translation>
    </message>
</context>
<context>
    <name>FirstAdminDialog</name>
    <message>
        <source>最初の管理者の作成</source>
        <translation>Create the first administrator</translation>
    </message>
    <message>
        <source>アカウントがまだありません。この端末の管理者アカウントを作成してください。職員のアカウントは、管理者でログインした後に作成できます。</source>
        <translation>There are no accounts yet. Create an administrator account for this workstation. Clerk accounts can be created after logging in as the administrator.</translation>
    </message>
    <message>
        <source>管理者</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>ログイン名(&amp;L)</source>
        <translation>&amp;Login name</translation>
    </message>
    <message>
        <source>表示名(&amp;N)</source>
        <translation>Display &amp;name</translation>
    </message>
    <message>
        <source>パスワード（{0}文字以上）(&amp;P)</source>
        <translation>&amp;Password ({0}+ characters)</translation>
    </message>
    <message>
        <source>パスワード（確認）(&amp;C)</source>
        <translation>&amp;Confirm password</translation>
    </message>
    <message>
        <source>作成してログイン (Enter)</source>
        <translation>Create and log in (Enter)</translation>
    </message>
    <message>
        <source>2回入力したパスワードが一致しません。</source>
        <translation>The two passwords do not match.</translation>
    </message>
    <message>
        <source>データベースに接続できません。</source>
        <translation>Cannot connect to the database.</translation>
    </message>
</context>
<context>
    <name>FormDesignerWidget</name>
    <message>
        <source>様式デザイナー</source>
        <translation>Form designer</translation>
    </message>
    <message>
        <source>新規 (Ctrl+N)</source>
        <translation>New (Ctrl+N)</translation>
    </message>
    <message>
        <source>背景PDFを開く (Ctrl+O)</source>
        <translation>Open background PDF (Ctrl+O)</translation>
    </message>
    <message>
        <source>ページ </source>
        <translation>Page </translation>
    </message>
    <message>
        <source>ページ追加</source>
        <translation>Add page</translation>
    </message>
    <message>
        <source>座標グリッド (Ctrl+G)</source>
        <translation>Grid (Ctrl+G)</translation>
    </message>
    <message>
        <source>見本で確認 (Ctrl+P)</source>
        <translation>Preview sample (Ctrl+P)</translation>
    </message>
    <message>
        <source>項目を削除 (Del)</source>
        <translation>Delete field (Del)</translation>
    </message>
    <message>
        <source>保存 (Ctrl+S)</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <source>項目ID</source>
        <translation>Field ID</translation>
    </message>
    <message>
        <source>種類</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>取得元</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>文字サイズ</source>
        <translation>Font size</translation>
    </message>
    <message>
        <source>桁数（digits）</source>
        <translation>Digits</translation>
    </message>
    <message>
        <source>揃え</source>
        <translation>Align</translation>
    </message>
    <message>
        <source>左 x</source>
        <translation>Left x</translation>
    </message>
    <message>
        <source>上 y</source>
        <translation>Top y</translation>
    </message>
    <message>
        <source>幅</source>
        <translation>Width</translation>
    </message>
    <message>
        <source>高さ</source>
        <translation>Height</translation>
    </message>
    <message>
        <source>様式の編集は管理者だけができます。管理者でサインインしてください。</source>
        <translation>Only an administrator can edit forms. Sign in as an administrator.</translation>
    </message>
    <message>
        <source>背景PDFを読めません: {0}</source>
        <translation>Cannot read the background PDF: {0}</translation>
    </message>
    <message>
        <source>PDFを表示できません。</source>
        <translation>Cannot display the PDF.</translation>
    </message>
    <message>
        <source>先に様式を選ぶか、新規作成してください。</source>
        <translation>Choose a form first, or create a new one.</translation>
    </message>
    <message>
        <source>x {0} / y {1} mm</source>
        <translation>x {0} / y {1} mm</translation>
    </message>
    <message>
        <source>保存できません: {0}</source>
        <translation>Cannot save: {0}</translation>
    </message>
    <message>
        <source>{0} を保存しました。</source>
        <translation>Saved {0}.</translation>
    </message>
    <message>
        <source>様式定義に問題があります:</source>
        <translation>The form definition has problems:</translation>
    </message>
    <message>
        <source>新しい様式</source>
        <translation>New form</translation>
    </message>
    <message>
        <source>様式ID（英小文字・数字・_）:</source>
        <translation>Form ID (a-z, 0-9, _):</translation>
    </message>
    <message>
        <source>様式名:</source>
        <translation>Form name:</translation>
    </message>
    <message>
        <source>背景PDFを開く</source>
        <translation>Open background PDF</translation>
    </message>
</context>
<context>
    <name>LockOverlay</name>
    <message>
        <source>画面をロックしました</source>
        <translation>Screen locked</translation>
    </message>
    <message>
        <source>{0} さんのパスワードで解除します。</source>
        <translation>Unlock with {0}'s password.</translation>
    </message>
    <message>
        <source>ロック解除 (Enter)</source>
        <translation>Unlock (Enter)</translation>
    </message>
    <message>
        <source>別のユーザーでログイン (Ctrl+Shift+L)</source>
        <translation>Log in as another user (Ctrl+Shift+L)</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>職員</source>
        <extracomment>after this many wrong passwords in a row the form waits before it accepts another</extracomment>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>係長</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>管理者</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>ログイン — 窓口 Madoguchi</source>
        <translation>Log in — Madoguchi</translation>
    </message>
    <message>
        <source>ログインしてください</source>
        <translation>Please log in</translation>
    </message>
    <message>
        <source>OSユーザー {0} でログイン (Ctrl+O)</source>
        <translation>Log in as OS user {0} (Ctrl+O)</translation>
    </message>
    <message>
        <source>デモ用アカウント（ログイン名とパスワードは同じ）:</source>
        <translation>Demo accounts (login name and password are the same):</translation>
    </message>
    <message>
        <source>{0} {1} (F{2})</source>
        <translation>{0} {1} (F{2})</translation>
    </message>
    <message>
        <source>終了 (Ctrl+Q)</source>
        <translation>Quit (Ctrl+Q)</translation>
    </message>
    <message>
        <source>データベースに接続できないため、ログインできません。</source>
        <translation>Cannot log in: the database is unreachable.</translation>
    </message>
    <message>
        <source>このOSユーザーはどのアカウントにも割り当てられていません。</source>
        <translation>This OS user is not assigned to any account.</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>受付</source>
        <translation>Reception</translation>
    </message>
    <message>
        <source>窓口</source>
        <translation>Counter</translation>
    </message>
    <message>
        <source>表示</source>
        <translation>Display</translation>
    </message>
    <message>
        <source>管理</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>設定</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>監査</source>
        <translation>Audit</translation>
    </message>
    <message>
        <source>窓口 Madoguchi</source>
        <translation>Madoguchi</translation>
    </message>
    <message>
        <source>（デモ）</source>
        <translation> (demo)</translation>
    </message>
    <message>
        <source>全画面</source>
        <translation>Full screen</translation>
    </message>
    <message>
        <source>研修モード（デモ用データベース）: 他の窓口と来庁者はシミュレーションです</source>
        <translation>Training mode (demo database): the other counters and the residents are simulated</translation>
    </message>
    <message>
        <source>データベース: 接続中…</source>
        <translation>Database: connecting…</translation>
    </message>
    <message>
        <source>この画面を開く権限がありません。</source>
        <translation>You do not have permission to open this screen.</translation>
    </message>
    <message>
        <source>未ログイン</source>
        <translation>Not logged in</translation>
    </message>
    <message>
        <source>{0}（{1}）</source>
        <translation>{0} ({1})</translation>
    </message>
    <message>
        <source>職員</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>管理者（係長）</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>システム管理者</source>
        <translation>System administrator</translation>
    </message>
    <message>
        <source>{0} {1}番窓口</source>
        <translation>{0}, Counter {1}</translation>
    </message>
    <message>
        <source>設定に問題があります。設定画面で確認してください。</source>
        <translation>There is a problem with the settings. Check them in Settings.</translation>
    </message>
    <message>
        <source>データベース: {0}</source>
        <translation>Database: {0}</translation>
    </message>
    <message>
        <source>データベース: オフライン</source>
        <translation>Database: offline</translation>
    </message>
</context>
<context>
    <name>PcSettingsWidget</name>
    <message>
        <source>設定</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>元に戻す</source>
        <translation>Revert</translation>
    </message>
    <message>
        <source>保存 (Ctrl+S)</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <source>設定ファイル: {0}</source>
        <translation>Settings file: {0}</translation>
    </message>
    <message>
        <source>設定ファイルに問題があります（既定値で起動しました）:</source>
        <translation>The settings file has problems (started with defaults):</translation>
    </message>
    <message>
        <source>保存しました。</source>
        <translation>Saved.</translation>
    </message>
    <message>
        <source>表示言語は再起動後に切り替わります。</source>
        <translation>The display language changes after a restart.</translation>
    </message>
</context>
<context>
    <name>PinDialog</name>
    <message>
        <source>マイナンバーカード</source>
        <extracomment>the card named in the prompt, by document type (madoguchi.ids.model.DocumentType)</extracomment>
        <translation>My Number card</translation>
    </message>
    <message>
        <source>運転免許証</source>
        <translation>driver's license</translation>
    </message>
    <message>
        <source>在留カード</source>
        <translation>residence card</translation>
    </message>
    <message>
        <source>暗証番号の入力</source>
        <translation>Enter PIN</translation>
    </message>
    <message>
        <source>{card}の暗証番号（数字4桁）を入力してください。</source>
        <translation>Enter the PIN (4 digits) of the {card}.</translation>
    </message>
    <message>
        <source>カード</source>
        <translation>card</translation>
    </message>
    <message>
        <source>残り回数: {n} 回</source>
        <translation>Tries left: {n}</translation>
    </message>
    <message>
        <source>暗証番号</source>
        <translation>PIN</translation>
    </message>
    <message>
        <source>ロックされることを本人に伝え、続けることを確認しました(&amp;C)</source>
        <translation>&amp;Confirmed with the resident that the card may lock, and to continue</translation>
    </message>
    <message>
        <source>残りは1回です。間違えるとカードがロックされ、市区町村の窓口で暗証番号の再設定が必要になります。分からない場合は入力せず、券面の撮影で受け付けてください。</source>
        <translation>One try left. A wrong PIN locks the card, and the PIN must then be reset at a municipal office. If unsure, do not enter it: read the card face with the camera instead.</translation>
    </message>
    <message>
        <source>読み取る (Enter)</source>
        <translation>Read (Enter)</translation>
    </message>
    <message>
        <source>やめる (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>消去</source>
        <translation>Clear</translation>
    </message>
    <message>
        <source>1字消す</source>
        <translation>Backspace</translation>
    </message>
</context>
<context>
    <name>PreviewStepWidget</name>
    <message>
        <source>氏＋名</source>
        <extracomment>where a value on a form came from, in the words of the Check and What steps</extracomment>
        <translation>Family + given name</translation>
    </message>
    <message>
        <source>氏（フリガナ）＋名（フリガナ）</source>
        <translation>Family + given name (kana reading)</translation>
    </message>
    <message>
        <source>住所＋方書</source>
        <translation>Address + building</translation>
    </message>
    <message>
        <source>住所</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>方書</source>
        <translation>Building / room</translation>
    </message>
    <message>
        <source>前住所（カードの住所）</source>
        <translation>Previous address (card address)</translation>
    </message>
    <message>
        <source>前住所の郵便番号</source>
        <translation>Postal code of previous address</translation>
    </message>
    <message>
        <source>転出先の住所</source>
        <translation>Moving-out address</translation>
    </message>
    <message>
        <source>転出先の郵便番号</source>
        <translation>Postal code of moving-out address</translation>
    </message>
    <message>
        <source>新しい住所</source>
        <translation>New address</translation>
    </message>
    <message>
        <source>前住所</source>
        <translation>Previous address</translation>
    </message>
    <message>
        <source>新しい住所の郵便番号</source>
        <translation>Postal code of new address</translation>
    </message>
    <message>
        <source>生年月日から計算</source>
        <translation>Calculated from date of birth</translation>
    </message>
    <message>
        <source>人数</source>
        <translation>Number of people</translation>
    </message>
    <message>
        <source>世帯主</source>
        <translation>Head of household</translation>
    </message>
    <message>
        <source>続柄</source>
        <translation>Relationship</translation>
    </message>
    <message>
        <source>電話番号</source>
        <translation>Phone number</translation>
    </message>
    <message>
        <source>異動日</source>
        <translation>Date of move</translation>
    </message>
    <message>
        <source>住所（フリガナ）</source>
        <translation>Address (kana reading)</translation>
    </message>
    <message>
        <source>届出日（今日）</source>
        <translation>Notification date (today)</translation>
    </message>
    <message>
        <source>確認事項</source>
        <translation>Question</translation>
    </message>
    <message>
        <source>{0}（確認画面）</source>
        <translation>{0} (Check step)</translation>
    </message>
    <message>
        <source>帳票を確認してください</source>
        <translation>Check the forms</translation>
    </message>
    <message>
        <source>頁</source>
        <translation>Page</translation>
    </message>
    <message>
        <source>欄</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>印字</source>
        <translation>Printed text</translation>
    </message>
    <message>
        <source>入力元</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>戻る</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>縮小</source>
        <translation>Zoom out</translation>
    </message>
    <message>
        <source>拡大</source>
        <translation>Zoom in</translation>
    </message>
    <message>
        <source>幅に合わせる</source>
        <translation>Fit width</translation>
    </message>
    <message>
        <source>PDFで保存</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>印刷</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>次の頁</source>
        <translation>Next page</translation>
    </message>
    <message>
        <source>帳票を作成しています…</source>
        <translation>Creating the forms…</translation>
    </message>
    <message>
        <source>{0} 頁（{1}）。内容を確かめて Ctrl+P で印刷します。</source>
        <translation>{0} pages ({1}). Check the content, then press Ctrl+P to print.</translation>
    </message>
    <message>
        <source>、</source>
        <translation>, </translation>
    </message>
    <message>
        <source>注意: </source>
        <translation>Note: </translation>
    </message>
    <message>
        <source>{0}「{1}」: {2}</source>
        <translation>{0} “{1}”: {2}</translation>
    </message>
    <message>
        <source>確認事項「{0}」</source>
        <translation>Question "{0}"</translation>
    </message>
</context>
<context>
    <name>PrintStepWidget</name>
    <message>
        <source>印刷</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>プレビューに戻る</source>
        <translation>Back to preview</translation>
    </message>
    <message>
        <source>PDFで保存</source>
        <translation>Save as PDF</translation>
    </message>
    <message>
        <source>再印刷</source>
        <translation>Reprint</translation>
    </message>
    <message>
        <source>完了</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>プリンタ: {0}　用紙: {1}　{2}</source>
        <translation>Printer: {0}   Paper: {1}   {2}</translation>
    </message>
    <message>
        <source>既定のプリンタ</source>
        <translation>Default printer</translation>
    </message>
    <message>
        <source>両面</source>
        <translation>Double-sided</translation>
    </message>
    <message>
        <source>片面</source>
        <translation>Single-sided</translation>
    </message>
    <message>
        <source>帳票（{0} 頁）:</source>
        <translation>Forms ({0} pages):</translation>
    </message>
    <message>
        <source>プリンタ「{0}」に送っています…</source>
        <translation>Sending to printer "{0}"…</translation>
    </message>
    <message>
        <source>プリンタに送っています…</source>
        <translation>Sending to the printer…</translation>
    </message>
    <message>
        <source>印刷中です（{0}）。出てくるまでお待ちください…</source>
        <translation>Printing ({0}). Please wait for the pages…</translation>
    </message>
    <message>
        <source>印刷しました（{0} 頁）。</source>
        <translation>Printed ({0} pages).</translation>
    </message>
    <message>
        <source>帳票をお渡しし、署名欄に署名をいただいてください。終わったら Ctrl+Enter で完了します（画面とメモリから消去します）。</source>
        <translation>Hand the forms to the resident for signature. When done, press Ctrl+Enter to finish (erases the screen and memory).</translation>
    </message>
    <message>
        <source>帳票は保持しています。入力し直す必要はありません。プリンタを直したら Ctrl+R で再印刷、または Ctrl+S でPDFに保存できます。</source>
        <translation>The forms are kept; nothing needs to be entered again. Once the printer is fixed, press Ctrl+R to reprint, or Ctrl+S to save as PDF.</translation>
    </message>
</context>
<context>
    <name>ReceptionView</name>
    <message>
        <source>受付 — 整理券の発行</source>
        <extracomment>presses of the same service closer than this are one press (a bouncing or double-pressed key)</extracomment>
        <translation>Reception — issue tickets</translation>
    </message>
    <message>
        <source>業務の番号キー（1〜9）またはボタンで整理券を発行します。番号は印刷できてから有効になります。</source>
        <translation>Issue a ticket with the service number key (1–9) or a button. A number becomes valid once it has printed.</translation>
    </message>
    <message>
        <source>データベースに接続しています…</source>
        <translation>Connecting to the database…</translation>
    </message>
    <message>
        <source>最後に発行した番号</source>
        <translation>Last issued number</translation>
    </message>
    <message>
        <source>再印刷 (R)</source>
        <translation>Reprint (R)</translation>
    </message>
    <message>
        <source>手渡しで確定 (Enter)</source>
        <translation>Confirm, handed over (Enter)</translation>
    </message>
    <message>
        <source>番号を手書きで渡したときに押します。番号が有効になります。</source>
        <translation>Press when you gave the number by hand. The number becomes valid.</translation>
    </message>
    <message>
        <source>取り消す (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>{0}{1}  {2}
待ち {3}人 ・ {4}</source>
        <translation>{0}{1}  {2}
{3} waiting · {4}</translation>
    </message>
    <message>
        <source>オフライン: 整理券を発行できません。データベースの復旧を待っています。</source>
        <translation>Offline: cannot issue tickets. Waiting for the database to come back.</translation>
    </message>
    <message>
        <source>発券しています…</source>
        <translation>Issuing…</translation>
    </message>
    <message>
        <source>同じ押し直しです。{0} は発行済みです。</source>
        <translation>Same key pressed again. {0} is already issued.</translation>
    </message>
    <message>
        <source>{0} を印刷しています…</source>
        <translation>Printing {0}…</translation>
    </message>
    <message>
        <source>{0} を印刷できませんでした。まだ有効ではありません。</source>
        <translation>Could not print {0}. It is not valid yet.</translation>
    </message>
    <message>
        <source>未確定の番号（印刷できていません）</source>
        <translation>Unconfirmed number (not printed)</translation>
    </message>
    <message>
        <source>{0} を発行しました。</source>
        <translation>Issued {0}.</translation>
    </message>
    <message>
        <source>発券に失敗しました（{0}）。もう一度押してください。</source>
        <translation>Issuing failed ({0}). Press again.</translation>
    </message>
    <message>
        <source>確定しています…</source>
        <translation>Confirming…</translation>
    </message>
    <message>
        <source>{0} を確定しました（手渡し）。</source>
        <translation>Confirmed {0} (handed over).</translation>
    </message>
    <message>
        <source>取り消しています…</source>
        <translation>Cancelling…</translation>
    </message>
    <message>
        <source>{0} を取り消しました。番号は使われません。</source>
        <translation>Cancelled {0}. The number will not be used.</translation>
    </message>
</context>
<context>
    <name>SettingsView</name>
    <message>
        <source>端末の設定 (Alt+1)</source>
        <translation>Workstation settings (Alt+1)</translation>
    </message>
    <message>
        <source>様式デザイナー (Alt+2)</source>
        <translation>Form designer (Alt+2)</translation>
    </message>
</context>
<context>
    <name>SignInFlow</name>
    <message>
        <source>画面ロック</source>
        <translation>Lock screen</translation>
    </message>
    <message>
        <source>ログアウト</source>
        <translation>Log out</translation>
    </message>
</context>
<context>
    <name>StepBarWidget</name>
    <message>
        <source>受付を中止（Ctrl+Shift+Del）</source>
        <translation>Cancel visit (Ctrl+Shift+Del)</translation>
    </message>
</context>
<context>
    <name>StepWidget</name>
    <message>
        <source>{0}（{1}）</source>
        <translation>{0} ({1})</translation>
    </message>
</context>
<context>
    <name>SupervisorView</name>
    <message>
        <source>業務</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>待ち人数</source>
        <translation>Waiting</translation>
    </message>
    <message>
        <source>最長待ち（分）</source>
        <translation>Longest wait (min)</translation>
    </message>
    <message>
        <source>平均待ち（分）</source>
        <translation>Avg. wait (min)</translation>
    </message>
    <message>
        <source>平均対応（分）</source>
        <translation>Avg. service (min)</translation>
    </message>
    <message>
        <source>本日受付</source>
        <translation>Arrivals today</translation>
    </message>
    <message>
        <source>完了</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>不在</source>
        <translation>No-shows</translation>
    </message>
    <message>
        <source>直近の到着（人/時）</source>
        <translation>Recent arrivals (/h)</translation>
    </message>
    <message>
        <source>到着（人/時）</source>
        <translation>Arrivals (/h)</translation>
    </message>
    <message>
        <source>対応時間（分）</source>
        <translation>Service time (min)</translation>
    </message>
    <message>
        <source>開いている窓口</source>
        <translation>Open counters</translation>
    </message>
    <message>
        <source>必要な窓口</source>
        <translation>Counters needed</translation>
    </message>
    <message>
        <source>増減</source>
        <translation>Change</translation>
    </message>
    <message>
        <source>予想平均待ち（分・Erlang C）</source>
        <translation>Expected avg. wait (min, Erlang C)</translation>
    </message>
    <message>
        <source>シミュレーション（分）</source>
        <translation>Simulation (min)</translation>
    </message>
    <message>
        <source>管理 — 本日の状況</source>
        <extracomment>one colour per service, distinguishable in colour-blind palettes (Okabe–Ito)</extracomment>
        <translation>Supervisor — today</translation>
    </message>
    <message>
        <source>拠点(&amp;B)</source>
        <translation>&amp;Branch</translation>
    </message>
    <message>
        <source>CSV出力 (Ctrl+E)</source>
        <translation>Export CSV (Ctrl+E)</translation>
    </message>
    <message>
        <source>データベースに接続しています…</source>
        <translation>Connecting to the database…</translation>
    </message>
    <message>
        <source>人員配置の試算（待ち時間を目標以内にするには）</source>
        <translation>Staffing estimate (to keep waits within the target)</translation>
    </message>
    <message>
        <source>目標の平均待ち時間(&amp;T)</source>
        <translation>&amp;Target average wait</translation>
    </message>
    <message>
        <source> 分</source>
        <translation> min</translation>
    </message>
    <message>
        <source>必要な窓口数を計算 (F5)</source>
        <translation>Calculate counters needed (F5)</translation>
    </message>
    <message>
        <source>直近1時間の到着数と本日の対応時間から Erlang C で計算し、シミュレーションで確かめます。</source>
        <translation>Calculated with Erlang C from the last hour's arrivals and today's service times, then checked by simulation.</translation>
    </message>
    <message>
        <source>{0}　待ち {1}人 ・ 本日受付 {2}人 ・ 完了 {3}人 ・ 警告基準 {4}分（{5} 更新）</source>
        <translation>{0}   Waiting {1} · Arrivals today {2} · Done {3} · Alert at {4} min (updated {5})</translation>
    </message>
    <message>
        <source>待ち人数の推移（業務別）</source>
        <translation>Waiting over time (by service)</translation>
    </message>
    <message>
        <source>時刻（時）</source>
        <translation>Time (hour)</translation>
    </message>
    <message>
        <source>1時間あたりの対応件数</source>
        <translation>Visits handled per hour</translation>
    </message>
    <message>
        <source>{0}時</source>
        <translation>{0}:00</translation>
    </message>
    <message>
        <source>オフライン: 表示は最後に取得した状態です。</source>
        <translation>Offline: showing the last data received.</translation>
    </message>
    <message>
        <source>本日のデータを読み込み中です。少し待ってからもう一度押してください。</source>
        <translation>Loading today's data. Wait a moment and press again.</translation>
    </message>
    <message>
        <source>計算しています…</source>
        <translation>Calculating…</translation>
    </message>
    <message>
        <source>目標 {0}分以内には、あと {1} の窓口が必要です。</source>
        <translation>To stay within {0} min, {1} more counters are needed.</translation>
    </message>
    <message>
        <source>今の窓口数で、平均待ちは目標 {0}分以内に収まる見込みです。</source>
        <translation>With the current counters, the average wait should stay within {0} min.</translation>
    </message>
    <message>
        <source>（業務ごとに、その業務だけを担当する窓口として計算）</source>
        <translation>(calculated per service, as counters that handle only that service)</translation>
    </message>
    <message>
        <source>計算できませんでした（{0}）。</source>
        <translation>Could not calculate ({0}).</translation>
    </message>
    <message>
        <source>まだ本日のデータがありません。</source>
        <translation>No data for today yet.</translation>
    </message>
    <message>
        <source>本日のKPIをCSVで保存</source>
        <translation>Save today's KPIs as CSV</translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation>CSV (*.csv)</translation>
    </message>
    <message>
        <source>CSVを保存しました: {0}</source>
        <translation>Saved the CSV: {0}</translation>
    </message>
</context>
<context>
    <name>UsersPanel</name>
    <message>
        <source>ログイン名</source>
        <translation>Login name</translation>
    </message>
    <message>
        <source>表示名</source>
        <translation>Display name</translation>
    </message>
    <message>
        <source>役割</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>状態</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>OSユーザー</source>
        <translation>OS user</translation>
    </message>
    <message>
        <source>職員</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>係長</source>
        <translation>Supervisor</translation>
    </message>
    <message>
        <source>管理者</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>ログイン名(&amp;G)</source>
        <translation>Lo&amp;gin name</translation>
    </message>
    <message>
        <source>表示名(&amp;D)</source>
        <translation>&amp;Display name</translation>
    </message>
    <message>
        <source>役割(&amp;R)</source>
        <translation>&amp;Role</translation>
    </message>
    <message>
        <source>パスワード（{0}文字以上）(&amp;W)</source>
        <translation>Pass&amp;word ({0}+ characters)</translation>
    </message>
    <message>
        <source>OSユーザー名（任意）(&amp;U)</source>
        <translation>OS &amp;user name (optional)</translation>
    </message>
    <message>
        <source>作成 (Ctrl+N)</source>
        <translation>Create (Ctrl+N)</translation>
    </message>
    <message>
        <source>選択した人の役割を変更</source>
        <translation>Change role of selected</translation>
    </message>
    <message>
        <source>有効／無効の切替</source>
        <translation>Enable / disable</translation>
    </message>
    <message>
        <source>パスワードを再設定</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <source>有効</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>無効</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>表から職員を選んでください。</source>
        <translation>Select a clerk in the table.</translation>
    </message>
    <message>
        <source>{0} を作成しました。</source>
        <translation>Created {0}.</translation>
    </message>
    <message>
        <source>{0} の役割を変更しました。</source>
        <translation>Changed the role of {0}.</translation>
    </message>
    <message>
        <source>{0} の状態を変更しました。</source>
        <translation>Changed the status of {0}.</translation>
    </message>
    <message>
        <source>{0} のパスワードを再設定しました。</source>
        <translation>Reset the password of {0}.</translation>
    </message>
    <message>
        <source>失敗しました（{0}）。</source>
        <translation>Failed ({0}).</translation>
    </message>
</context>
<context>
    <name>WhatStepWidget</name>
    <message>
        <source>手続を選んでください</source>
        <translation>Choose the procedure</translation>
    </message>
    <message>
        <source>届出・手続（数字キーで選択）</source>
        <translation>Notification / procedure (number keys to choose)</translation>
    </message>
    <message>
        <source>新しい住所</source>
        <translation>New address</translation>
    </message>
    <message>
        <source>例: 144-0052（住所を補完します）</source>
        <translation>e.g. 144-0052 (fills in the address)</translation>
    </message>
    <message>
        <source>番地まで入力</source>
        <translation>Enter up to the block number</translation>
    </message>
    <message>
        <source>郵便番号</source>
        <translation>Postal code</translation>
    </message>
    <message>
        <source>住所</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>方書（建物名・部屋）</source>
        <translation>Building / room</translation>
    </message>
    <message>
        <source>例: 2026-11-18、R8.11.18、令和8年11月18日</source>
        <translation>e.g. 2026-11-18, R8.11.18, 令和8年11月18日</translation>
    </message>
    <message>
        <source>異動日</source>
        <translation>Date of move</translation>
    </message>
    <message>
        <source>世帯主</source>
        <translation>Head of household</translation>
    </message>
    <message>
        <source>続柄</source>
        <translation>Relationship</translation>
    </message>
    <message>
        <source>確認事項</source>
        <translation>Questions</translation>
    </message>
    <message>
        <source>作成する帳票（Space で追加・除外）</source>
        <translation>Forms to create (Space to add / remove)</translation>
    </message>
    <message>
        <source>戻る</source>
        <translation>Back</translation>
    </message>
    <message>
        <source>プレビューへ</source>
        <translation>To preview</translation>
    </message>
    <message>
        <source>手続の定義を読めません。</source>
        <translation>Cannot read the procedure definitions.</translation>
    </message>
    <message>
        <source>はい</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>転出先の住所</source>
        <translation>Moving-out address</translation>
    </message>
    <message>
        <source>現住所（カード）</source>
        <translation>Current address (card)</translation>
    </message>
    <message>
        <source>前住所（カード）</source>
        <translation>Previous address (card)</translation>
    </message>
    <message>
        <source>帳票 {0} 件を作成します。Ctrl+Enter でプレビューします。</source>
        <translation>Creates {0} forms. Press Ctrl+Enter to preview.</translation>
    </message>
</context>
<context>
    <name>WhoStepWidget</name>
    <message>
        <source>次のお客様</source>
        <translation>Next resident</translation>
    </message>
    <message>
        <source>次の整理券を呼ぶ</source>
        <translation>Call next ticket</translation>
    </message>
    <message>
        <source>整理券なしで受付</source>
        <translation>Start without ticket</translation>
    </message>
    <message>
        <source>カードをスキャナで読み取ると、その場で受付を始めます（整理券なしの受付）。</source>
        <translation>Scanning a card starts a visit right away (without a ticket).</translation>
    </message>
    <message>
        <source>中断された受付があります（停電・異常終了など）。再開するか破棄してください。</source>
        <translation>There is an interrupted visit (power cut, crash, etc.). Resume or discard it.</translation>
    </message>
    <message>
        <source>再開</source>
        <translation>Resume</translation>
    </message>
    <message>
        <source>破棄</source>
        <translation>Discard</translation>
    </message>
    <message>
        <source>この窓口の業務でお待ちの方: {0} 人</source>
        <translation>Waiting for this counter's services: {0}</translation>
    </message>
    <message>
        <source>{0} に中断した受付（受付番号 {1}）</source>
        <translation>Visit interrupted at {0} (ticket {1})</translation>
    </message>
</context>
</TS>