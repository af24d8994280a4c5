// The reports page: what the program owes and earns, from GET /api/admin/reports (console.js
// holds the shared helpers and starts the page). Every value goes on the page as text.
'use strict';

Object.assign(TEXT.en, {
  summaryTitle: 'What the program owes', pointsByMonth: 'Points by month', expiringByMonth: 'Points expiring by month',
  tierDistribution: 'Members by tier', month: 'Month', earned: 'Earned', imported: 'Imported', redeemedPoints: 'Redeemed', expired: 'Expired',
  adjusted: 'Adjusted', takenBack: 'Taken back', redemptionRate: 'Redemption rate', joined: 'Joined', avgSatisfaction: 'Satisfaction',
  money: 'Value', membersCount: 'Members', liabilityPoints: 'Outstanding points', liabilityMoney: 'Outstanding value', pendingPoints: 'Pending points',
  redeemers: 'Members who have redeemed', redeemerShare: 'Share who have redeemed', earned12: 'Earned, last 12 months', redeemed12: 'Redeemed, last 12 months',
  rate12: 'Redemption rate, last 12 months', asOf: 'As of', activeMembers: 'Active members', segments: 'Segments',
  segmentsAsOf: 'As of the segment run of {0}.', segmentsNone: 'Not scored yet: the segment run has not run.',
});
Object.assign(TEXT.zh, {
  summaryTitle: '积分负债', pointsByMonth: '每月积分', expiringByMonth: '每月到期积分',
  tierDistribution: '各等级会员', month: '月份', earned: '获得', imported: '导入', redeemedPoints: '兑换', expired: '过期',
  adjusted: '调整', takenBack: '退回', redemptionRate: '兑换率', joined: '新会员', avgSatisfaction: '满意度',
  money: '价值', membersCount: '会员数', liabilityPoints: '未兑换积分', liabilityMoney: '未兑换积分价值', pendingPoints: '待生效积分',
  redeemers: '兑换过的会员', redeemerShare: '兑换过的会员占比', earned12: '近 12 个月获得', redeemed12: '近 12 个月兑换',
  rate12: '近 12 个月兑换率', asOf: '截至', activeMembers: '活跃会员', segments: '客户分群',
  segmentsAsOf: '截至 {0} 的分群计算。', segmentsNone: '尚未评分：分群计算还没有运行。',
});

const pct = v => (v == null ? '' : (Number(v) * 100).toFixed(1) + '%');
const opt = v => (v == null ? '' : String(v));

async function reportsPage() {
  const charts = {};
  let report = null;

  function cells(tr, keys) {
    [...tr.children].forEach((td, i) => td.setAttribute('data-label', t(keys[i])));
    return tr;
  }

  function render() {
    if (!report) return;
    const money = v => Number(v).toFixed(2) + ' ' + report.currency;
    const summary = [
      ['asOf', report.asOf, 'asOf'], ['liabilityPoints', report.liabilityPoints, 'liabilityPoints'], ['liabilityMoney', money(report.liabilityMoney), 'liabilityMoney'],
      ['pendingPoints', report.pendingPoints, 'pendingPoints'], ['membersCount', report.members, 'members'], ['redeemers', report.redeemers, 'redeemers'],
      ['redeemerShare', pct(report.redeemerShare), 'redeemerShare'], ['earned12', report.earnedLast12Months, 'earnedLast12Months'],
      ['redeemed12', report.redeemedLast12Months, 'redeemedLast12Months'], ['rate12', pct(report.redemptionRateLast12Months), 'redemptionRateLast12Months'],
    ];
    document.getElementById('summary').replaceChildren(...summary.flatMap(([label, value, figure]) => [el('dt', { text: t(label) }), el('dd', { text: value, 'data-figure': figure })]));

    const monthKeys = ['month', 'earned', 'imported', 'redeemedPoints', 'expired', 'adjusted', 'takenBack', 'redemptionRate', 'joined', 'activeMembers', 'avgSatisfaction', 'nps'];
    document.querySelector('#months tbody').replaceChildren(...report.months.map(m => cells(row([
      m.month, { text: m.earned, class: 'num' }, { text: m.imported, class: 'num' }, { text: m.redeemed, class: 'num' }, { text: m.expired, class: 'num' },
      { text: m.adjusted, class: 'num' }, { text: m.takenBack, class: 'num' }, { text: pct(m.redemptionRate), class: 'num' }, { text: m.joined, class: 'num' }, { text: m.activeMembers, class: 'num' },
      { text: opt(m.averageSatisfaction), class: 'num' }, { text: opt(m.nps), class: 'num' },
    ], { 'data-month': m.month }), monthKeys)));
    document.querySelector('#expiring tbody').replaceChildren(...report.expiring.map(e => cells(row([
      e.month, { text: e.points, class: 'num' }, { text: money(e.money), class: 'num' },
    ], { 'data-month': e.month }), ['month', 'points', 'money'])));
    document.querySelector('#tiers tbody').replaceChildren(...report.tiers.map(x => cells(row([x.name, { text: x.members, class: 'num' }], { 'data-tier': x.id }), ['tier', 'membersCount'])));
    const seg = report.segments;
    document.getElementById('segments-as-of').textContent = seg ? t('segmentsAsOf', seg.asOf) : t('segmentsNone');
    const sizes = seg ? [['segmentValue', 'high', seg.high], ['segmentValue', 'medium', seg.medium], ['segmentValue', 'low', seg.low],
      ['segmentBehaviour', 'active', seg.active], ['segmentBehaviour', 'at-risk', seg.atRisk], ['segmentBehaviour', 'lapsed', seg.lapsed]] : [];
    document.querySelector('#segments tbody').replaceChildren(...sizes.map(([kind, key, members]) => cells(row([
      t(kind) + ' · ' + t('seg-' + key), { text: members, class: 'num' },
    ], { 'data-segment': key }), ['segment', 'membersCount'])));
    drawCharts();
  }

  function drawCharts() {
    if (typeof Chart === 'undefined') return;
    const labels = report.months.map(m => m.month);
    const series = [['earned', 'earned', '#1f3a5f'], ['redeemedPoints', 'redeemed', '#c05621'], ['expired', 'expired', '#718096'], ['adjusted', 'adjusted', '#2f855a']];
    const bars = { labels, datasets: series.map(([label, key, color]) => ({ label: t(label), data: report.months.map(m => m[key]), backgroundColor: color })) };
    const expiring = { labels: report.expiring.map(e => e.month), datasets: [{ label: t('points'), data: report.expiring.map(e => e.points), borderColor: '#c05621', tension: 0.2 }] };
    const tiers = { labels: report.tiers.map(x => x.name), datasets: [{ label: t('membersCount'), data: report.tiers.map(x => x.members) }] };
    for (const [id, type, data] of [['months-chart', 'bar', bars], ['expiring-chart', 'line', expiring], ['tiers-chart', 'doughnut', tiers]]) {
      if (charts[id]) charts[id].destroy();
      charts[id] = new Chart(document.getElementById(id), { type, data, options: { responsive: true, maintainAspectRatio: true, animation: false, plugins: { legend: { display: type !== 'line' } } } });
    }
  }

  document.getElementById('export').addEventListener('click', () => location.assign('/api/admin/reports?format=csv'));
  status(t('loading'));
  report = await api('/api/admin/reports');
  status('');
  rerender = render;
  render();
}
