// The import page: a dry run of the chosen file first, its report, then the confirmed import
// of that same file (its hash goes with it). Strings join the console's own in TEXT.
Object.assign(TEXT.en, {
  importTitle: 'Import members from a spreadsheet', importFile: 'CSV file (Excel, WPS or Google Sheets)', importEncoding: 'Encoding', importAuto: 'Detect',
  importDelimiter: 'Delimiter', importComma: 'Comma', importSemicolon: 'Semicolon', importTab: 'Tab', importDates: 'Dates like 05/06/2024',
  importDayFirst: 'Day first (5 June)', importMonthFirst: 'Month first (May 6)', importTiers: 'Tier names in the file (name=tier id, one a line)',
  importCheck: 'Check the file', importConfirm: 'Import', importConfirmN: 'Import {0} members', importExport: 'Export all members', importLine: 'Line', importRow: 'Row',
  importReason: 'Reason', importDryRun: 'Check: nothing has been written', importDone: 'Imported', importRows: 'Rows', importWould: 'Members to import',
  importImported: 'Members imported', importAlready: 'Already imported from this file', importPoints: 'Opening points', importBad: 'Bad rows', importRefused: 'Refused',
  importRead: 'Read as', importChecking: 'Checking…', importWorking: 'Importing…', importNoBad: 'No bad rows.', importNav: 'Import',
});
Object.assign(TEXT.zh, {
  importTitle: '从表格导入会员', importFile: 'CSV 文件（Excel、WPS 或 Google 表格）', importEncoding: '编码', importAuto: '自动识别',
  importDelimiter: '分隔符', importComma: '逗号', importSemicolon: '分号', importTab: '制表符', importDates: '05/06/2024 这类日期',
  importDayFirst: '日在前（6 月 5 日）', importMonthFirst: '月在前（5 月 6 日）', importTiers: '文件中的等级名称（名称=等级编号，每行一个）',
  importCheck: '检查文件', importConfirm: '导入', importConfirmN: '导入 {0} 位会员', importExport: '导出全部会员', importLine: '行号', importRow: '表格行',
  importReason: '原因', importDryRun: '检查结果：尚未写入任何数据', importDone: '已导入', importRows: '数据行', importWould: '将导入的会员',
  importImported: '已导入的会员', importAlready: '此文件已导入过的会员', importPoints: '期初积分', importBad: '有问题的行', importRefused: '被拒绝',
  importRead: '读取方式', importChecking: '检查中…', importWorking: '导入中…', importNoBad: '没有问题行。', importNav: '导入',
});

async function importPage() {
  const form = document.getElementById('import-form');
  const confirmButton = document.getElementById('confirm');
  let checked = null;
  let report = null;

  function query(extra) {
    const q = new URLSearchParams(extra);
    for (const name of ['encoding', 'delimiter', 'dates']) {
      const v = document.getElementById(name).value;
      if (v) q.append(name, v);
    }
    for (const line of document.getElementById('tiers').value.split('\n').map(s => s.trim()).filter(Boolean)) q.append('tier', line);
    return q.toString();
  }

  async function upload(extra) {
    const file = document.getElementById('file').files[0];
    const response = await fetch('/api/admin/imports?' + query(extra), { method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'text/csv', Accept: 'application/json' }, body: file });
    if (response.status === 401) { location.assign('/console/sign-in'); throw new Error('signed out'); }
    const body = await response.json();
    if (!response.ok) throw new Error(body.detail || body.title || String(response.status));
    return body;
  }

  function render() {
    if (!report) return;
    const section = document.getElementById('report');
    section.hidden = false;
    document.getElementById('report-title').textContent = report.dryRun ? t('importDryRun') : t('importDone');
    const delimiter = { ',': t('importComma'), ';': t('importSemicolon'), tab: t('importTab') }[report.delimiter] || report.delimiter;
    const pairs = [
      [t('importRead'), `${report.encoding} · ${delimiter}`], [t('importRows'), report.rows],
      [report.dryRun ? t('importWould') : t('importImported'), report.imported], [t('importAlready'), report.alreadyImported],
      [t('importPoints'), report.points], [t('importBad'), report.badRows.length], [t('importRefused'), report.refused.length],
    ];
    document.getElementById('summary').replaceChildren(...pairs.flatMap(([k, v]) => [el('dt', { text: k }), el('dd', { text: String(v) })]));
    document.getElementById('warnings').replaceChildren(...report.warnings.map(w => el('li', { text: w })), ...report.ignoredColumns.map(c => el('li', { text: '– ' + c })));
    const rows = [...report.badRows.map(b => [b.line, b.row, b.reason]), ...report.refused.map(r => [r.line, r.row, r.reason])];
    document.querySelector('#bad tbody').replaceChildren(...(rows.length ? rows.map(([line, r, reason]) => row([{ text: String(line), class: 'num' }, { text: String(r), class: 'num' }, reason])) : [row([{ text: t('importNoBad'), colspan: '3' }])]));
    confirmButton.disabled = !(report.dryRun && report.imported > 0);
    confirmButton.textContent = report.dryRun && report.imported > 0 ? t('importConfirmN', report.imported) : t('importConfirm');
  }

  form.addEventListener('submit', e => {
    e.preventDefault();
    confirmButton.disabled = true;
    status(t('importChecking'));
    checked = document.getElementById('file').files[0];
    upload({ dryRun: 'true' }).then(r => { report = r; status(''); render(); }).catch(err => status(err.message));
  });
  document.getElementById('file').addEventListener('change', () => { confirmButton.disabled = true; report = null; document.getElementById('report').hidden = true; });
  confirmButton.addEventListener('click', () => {
    if (!report || document.getElementById('file').files[0] !== checked) return;
    confirmButton.disabled = true;
    status(t('importWorking'));
    upload({ confirm: report.fileHash }).then(r => { report = r; status(''); render(); }).catch(err => status(err.message));
  });
  rerender = render;
}
