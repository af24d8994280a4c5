// The owner's console. Every value from the service is put on the page with textContent (or
// as an attribute value), never as HTML, so a member named "<img src=x onerror=alert(1)>"
// shows as that text.
'use strict';

const TEXT = {
  en: {
    title: 'Loyalty console', signIn: 'Sign in', signOut: 'Sign out', adminKey: 'Admin key', wrongKey: 'That key was not accepted.',
    members: 'Members', search: 'Name, e-mail, phone, member id or order number', tier: 'Tier', any: 'Any', minBalance: 'Balance from', maxBalance: 'Balance to',
    expiringWithin: 'Points expiring within (days)', purchasedAfter: 'Last purchase after', purchasedBefore: 'Last purchase before', sort: 'Sort by', order: 'Order',
    asc: 'Ascending', desc: 'Descending', name: 'Name', balance: 'Balance', lastPurchase: 'Last purchase', spend: 'Spend', find: 'Find', export: 'Export CSV',
    email: 'E-mail', expiring30: 'Expiring in 30 days', prev: 'Previous', next: 'Next', back: 'All members', basics: 'Basics', tierBenefits: 'Tier and benefits',
    benefit: 'Benefit', used: 'Used', remaining: 'Remaining', resetsOn: 'Resets on', purchases: 'Purchases', period: 'Period', last3: 'Last 3 months', pastYear: 'Past year',
    all: 'All', date: 'Date', orderId: 'Order', total: 'Total', pointsEarned: 'Points', refunded: 'Refunded', spendTrend: 'Spend by month', categoryMix: 'Spend by category',
    pointsRewards: 'Points and rewards', expiringBatches: 'Expiring batches', expiresOn: 'Expires on', points: 'Points', rewardsRedeemed: 'Rewards redeemed', reward: 'Reward',
    code: 'Code', reversed: 'Reversed', adjust: 'Adjust points', reason: 'Reason', record: 'Record', redeem: 'Redeem a reward', redeemButton: 'Redeem', history: 'Points history',
    kind: 'Kind', actor: 'By', feedback: 'Feedback', satisfaction: 'Satisfaction', nps: 'NPS', text: 'Text', addFeedback: 'Record feedback', serviceRecords: 'Service records',
    enquiry: 'Enquiry', complaint: 'Complaint', request: 'Request', status: 'Status', open: 'Open', inProgress: 'In progress', resolved: 'Resolved', closed: 'Closed',
    summary: 'Summary', referrals: 'Referrals', messages: 'Messages', useBenefit: 'Record a use', unlimited: 'unlimited', phone: 'Phone', birthday: 'Birthday',
    memberSince: 'Member since', consent: 'Marketing consent', source: 'Shop and customer id', yes: 'yes', no: 'no', unknown: 'unknown', pending: 'Pending',
    expiringIn: 'Expiring within {0} days', pointsUsed: 'Points used', lifetimeEarned: 'Points earned in all', toNext: '{0} more {1} to {2}', topTier: 'Top tier',
    review: 'review on {0}', grace: 'grace until {0}', found: '{0} members', loading: 'Loading…', saved: 'Saved.', failed: 'Not saved: {0}', referredBy: 'Referred by {0}',
    noReferral: 'No referral recorded.', none: 'None.', latest: 'Latest', memberId: 'Member id', page: 'Page {0} of {1}', yesReversed: 'yes', language: 'Language',
  },
  zh: {
    title: '会员积分控制台', signIn: '登录', signOut: '退出', adminKey: '管理员密钥', wrongKey: '密钥无效。',
    members: '会员', search: '姓名、邮箱、电话、会员编号或订单号', tier: '等级', any: '全部', minBalance: '积分不少于', maxBalance: '积分不多于',
    expiringWithin: '积分在几天内到期', purchasedAfter: '最近购买晚于', purchasedBefore: '最近购买早于', sort: '排序', order: '顺序',
    asc: '升序', desc: '降序', name: '姓名', balance: '积分余额', lastPurchase: '最近购买', spend: '消费额', find: '查找', export: '导出 CSV',
    email: '邮箱', expiring30: '30 天内到期', prev: '上一页', next: '下一页', back: '全部会员', basics: '基本信息', tierBenefits: '等级与权益',
    benefit: '权益', used: '已用', remaining: '剩余', resetsOn: '重置日期', purchases: '购买记录', period: '时间范围', last3: '最近 3 个月', pastYear: '过去一年',
    all: '全部', date: '日期', orderId: '订单', total: '金额', pointsEarned: '积分', refunded: '已退款', spendTrend: '每月消费', categoryMix: '品类占比',
    pointsRewards: '积分与奖励', expiringBatches: '到期批次', expiresOn: '到期日', points: '积分', rewardsRedeemed: '已兑换奖励', reward: '奖励',
    code: '兑换码', reversed: '已撤销', adjust: '调整积分', reason: '原因', record: '记录', redeem: '为会员兑换奖励', redeemButton: '兑换', history: '积分明细',
    kind: '类型', actor: '操作人', feedback: '反馈', satisfaction: '满意度', nps: 'NPS', text: '内容', addFeedback: '记录反馈', serviceRecords: '服务记录',
    enquiry: '咨询', complaint: '投诉', request: '请求', status: '状态', open: '待处理', inProgress: '处理中', resolved: '已解决', closed: '已关闭',
    summary: '摘要', referrals: '推荐', messages: '消息', useBenefit: '记录一次使用', unlimited: '不限', phone: '电话', birthday: '生日',
    memberSince: '入会日期', consent: '营销许可', source: '店铺与客户编号', yes: '是', no: '否', unknown: '未知', pending: '待生效',
    expiringIn: '{0} 天内到期', pointsUsed: '已用积分', lifetimeEarned: '累计获得积分', toNext: '还差 {0}（{1}）升至 {2}', topTier: '最高等级',
    review: '{0} 复核', grace: '宽限至 {0}', found: '共 {0} 位会员', loading: '加载中…', saved: '已保存。', failed: '未保存：{0}', referredBy: '推荐人 {0}',
    noReferral: '无推荐记录。', none: '无。', latest: '最近', memberId: '会员编号', page: '第 {0} / {1} 页', yesReversed: '是', language: '语言',
  },
};

// The header's link to the reports page (reports.js holds that page's own text).
Object.assign(TEXT.en, { reports: 'Reports' });
Object.assign(TEXT.zh, { reports: '报表' });

// The shop's privacy requests, a section of the members page.
Object.assign(TEXT.en, {
  privacyRequests: 'Privacy requests', received: 'Received', topic: 'Request', shopCustomer: 'Shop and customer', membersFound: 'Members',
  preparedData: 'Prepared data', download: 'Download', noPrivacyRequests: 'No privacy request has been received.', privacyQueued: 'queued', privacyDone: 'done',
  'customers/redact': 'Erase a customer', 'customers/data_request': 'Customer data request', 'shop/redact': 'Erase the shop',
  privacyErased: '{0} erased', privacyError: 'last error: {0}', notReady: 'being prepared',
});
Object.assign(TEXT.zh, {
  privacyRequests: '隐私请求', received: '收到时间', topic: '请求', shopCustomer: '店铺与客户', membersFound: '会员',
  preparedData: '已准备的数据', download: '下载', noPrivacyRequests: '尚未收到隐私请求。', privacyQueued: '排队中', privacyDone: '已完成',
  'customers/redact': '删除客户数据', 'customers/data_request': '客户数据查阅请求', 'shop/redact': '删除店铺数据',
  privacyErased: '已删除 {0} 位', privacyError: '上次错误：{0}', notReady: '准备中',
});

// The member's segment (the SegmentMembers job's last run), shown in the tier block.
Object.assign(TEXT.en, {
  segment: 'Segment', segmentValue: 'Value', segmentBehaviour: 'Behaviour', rfm: 'RFM (recency, frequency, monetary; 1–5)', lifetimeValue: 'Lifetime value (estimate)',
  notScored: 'Not scored yet', 'seg-high': 'High', 'seg-medium': 'Medium', 'seg-low': 'Low', 'seg-active': 'Active', 'seg-at-risk': 'At risk', 'seg-lapsed': 'Lapsed',
});
Object.assign(TEXT.zh, {
  segment: '客户分群', segmentValue: '价值', segmentBehaviour: '活跃度', rfm: 'RFM（最近、频率、金额；1–5）', lifetimeValue: '生命周期价值（估算）',
  notScored: '尚未评分', 'seg-high': '高', 'seg-medium': '中', 'seg-low': '低', 'seg-active': '活跃', 'seg-at-risk': '有流失风险', 'seg-lapsed': '已流失',
});

let lang = localStorage.getItem('console-lang') || ((navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en');
const t = (key, ...args) => (TEXT[lang][key] ?? TEXT.en[key] ?? key).replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));

function el(tag, props = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(props)) {
    if (k === 'text') node.textContent = v == null ? '' : String(v);
    else if (k === 'class') node.className = v;
    else if (k.startsWith('on')) node.addEventListener(k.slice(2), v);
    else node.setAttribute(k, String(v));
  }
  for (const child of children) node.append(child);
  return node;
}

function applyText() {
  document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : 'en';
  for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
}

function languageSwitch() {
  const holder = document.getElementById('lang');
  if (!holder) return;
  const select = el('select', { 'aria-label': 'Language / 语言', id: 'lang-select' },
    el('option', { value: 'en', text: 'English' }), el('option', { value: 'zh', text: '简体中文' }));
  select.value = lang;
  select.addEventListener('change', () => { lang = select.value; localStorage.setItem('console-lang', lang); applyText(); rerender(); });
  holder.replaceChildren(select);
}

let rerender = () => {};

async function api(path, options = {}) {
  const init = { credentials: 'same-origin', headers: { Accept: 'application/json' }, ...options };
  if (options.body !== undefined) {
    init.headers = { ...init.headers, 'Content-Type': 'application/json' };
    init.body = JSON.stringify(options.body);
  }
  const response = await fetch(path, init);
  if (response.status === 401) {
    location.assign('/console/sign-in');
    throw new Error('signed out');
  }
  const body = response.headers.get('content-type')?.includes('json') ? await response.json() : null;
  if (!response.ok) throw new Error(body?.detail || body?.title || String(response.status));
  return body;
}

// Chinese names read family name first, with no space (王小明); others given name first.
const fullName = (first, last) => (/[\u3400-\u9fff]/.test((first || '') + (last || '')) ? (last || '') + (first || '') : [first, last].filter(Boolean).join(' '));
const requestId = () => 'console-' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 10);
const money = v => Number(v ?? 0).toFixed(2);
const day = v => (v ? String(v).slice(0, 10) : '');
const status = text => { const s = document.getElementById('status'); if (s) s.textContent = text; };
const row = (cells, attrs = {}) => el('tr', attrs, ...cells.map(c => (c instanceof Node ? el('td', {}, c) : el('td', typeof c === 'object' && c !== null ? c : { text: c }))));

// ---------------------------------------------------------------- sign-in
function signInPage() {
  if (document.body.dataset.failed === 'true') document.getElementById('failed').hidden = false;
}

// ---------------------------------------------------------------- members
async function membersPage() {
  const form = document.getElementById('search');
  const program = await api('/api/program');
  const tierSelect = document.getElementById('tier');
  for (const tier of program.tiers) tierSelect.append(el('option', { value: tier.id, text: tier.name }));
  const params = new URLSearchParams(location.search);
  for (const [k, v] of params) if (form.elements[k]) form.elements[k].value = v;
  let page = Number(params.get('page') || 1);
  let last = null;

  const query = () => {
    const q = new URLSearchParams();
    for (const input of form.elements) if (input.name && input.value) q.set(input.name, input.value);
    return q;
  };

  async function load() {
    status(t('loading'));
    const q = query();
    q.set('page', String(page));
    history.replaceState(null, '', '/console/members?' + q.toString());
    last = await api('/api/members?' + q.toString());
    render();
  }

  function render() {
    if (!last) return;
    const body = document.querySelector('#list tbody');
    const labels = ['name', 'email', 'tier', 'balance', 'expiring30', 'lastPurchase', 'spend'].map(k => t(k));
    body.replaceChildren(...last.members.map(m => {
      const name = fullName(m.firstName, m.lastName) || m.memberId;
      const link = el('a', { href: '/console/members/' + encodeURIComponent(m.memberId), text: name });
      const cells = [link, m.email ?? '', m.tierName ?? '', { text: m.balance, class: 'num' }, { text: m.expiring30Days, class: 'num' }, day(m.lastPurchaseAt), { text: money(m.spend), class: 'num' }];
      const tr = row(cells, { 'data-member': m.memberId });
      [...tr.children].forEach((td, i) => td.setAttribute('data-label', labels[i]));
      return tr;
    }));
    const pages = Math.max(1, Math.ceil(last.total / last.pageSize));
    status(t('found', last.total));
    document.getElementById('pageinfo').textContent = t('page', last.page, pages);
    document.getElementById('prev').disabled = last.page <= 1;
    document.getElementById('next').disabled = last.page >= pages;
  }

  let privacy = null;
  function renderPrivacy() {
    if (!privacy) return;
    const keys = ['received', 'topic', 'shopCustomer', 'status', 'membersFound', 'preparedData'];
    document.getElementById('privacy-status').textContent = privacy.length ? '' : t('noPrivacyRequests');
    document.querySelector('#privacy-requests tbody').replaceChildren(...privacy.map(({ request: r, exportUrl }) => {
      const state = [r.status === 'done' ? t('privacyDone') : t('privacyQueued')];
      if (r.topic === 'shop/redact' && r.erased) state.push(t('privacyErased', r.erased));
      if (r.lastError) state.push(t('privacyError', r.lastError));
      const data = exportUrl
        ? el('a', { href: exportUrl, download: 'data-request-' + r.id + '.json', text: t('download'), 'aria-label': t('download') + ': ' + (r.customerId ?? r.id) })
        : (r.topic === 'customers/data_request' ? t('notReady') : '');
      const tr = row([
        day(r.receivedAt) + ' ' + String(r.receivedAt ?? '').slice(11, 16), t(r.topic), r.shopDomain + (r.customerId ? ' · ' + r.customerId : ''),
        { text: state.join(' · '), class: 'privacy-state' }, (r.memberIds ?? []).join(', '), data,
      ], { 'data-request': r.id, 'data-status': r.status });
      [...tr.children].forEach((td, i) => td.setAttribute('data-label', t(keys[i])));
      return tr;
    }));
  }

  rerender = () => { render(); renderPrivacy(); };
  const privacyLoad = api('/api/admin/privacy-requests').then(body => { privacy = body.requests; renderPrivacy(); }).catch(err => { document.getElementById('privacy-status').textContent = err.message; });
  form.addEventListener('submit', e => { e.preventDefault(); page = 1; load().catch(err => status(err.message)); });
  document.getElementById('prev').addEventListener('click', () => { page = Math.max(1, page - 1); load().catch(err => status(err.message)); });
  document.getElementById('next').addEventListener('click', () => { page += 1; load().catch(err => status(err.message)); });
  document.getElementById('export').addEventListener('click', () => {
    const q = query();
    q.set('format', 'csv');
    location.assign('/api/members?' + q.toString());
  });
  await Promise.all([load(), privacyLoad]);
}

// ---------------------------------------------------------------- member
async function memberPage() {
  const memberId = decodeURIComponent(location.pathname.split('/').pop());
  const base = '/api/members/' + encodeURIComponent(memberId);
  const program = await api('/api/program');
  let member = null;
  let activity = null;
  const charts = {};

  async function load() {
    [member, activity] = await Promise.all([api(base + '?pageSize=100'), api(base + '/activity')]);
    render();
  }

  function dl(id, pairs) {
    document.getElementById(id).replaceChildren(...pairs.flatMap(([label, value, key]) => [el('dt', { text: label }), el('dd', key ? { text: value, 'data-key': key } : { text: value })]));
  }

  function render() {
    if (!member) return;
    const p = member.profile || {};
    const name = fullName(p.firstName, p.lastName) || member.memberId;
    document.getElementById('name').textContent = name;
    document.title = name + ' · ' + t('title');
    const [shop, customer] = member.memberId.includes('-') ? [member.memberId.slice(0, member.memberId.indexOf('-')), member.memberId.slice(member.memberId.indexOf('-') + 1)] : ['', member.memberId];
    dl('basics-list', [
      [t('name'), name, 'name'], [t('email'), p.email ?? '', 'email'], [t('phone'), p.phone ?? '', 'phone'], [t('birthday'), p.birthday ?? '', 'birthday'],
      [t('memberSince'), day(member.enrolledAt), 'memberSince'],
      [t('consent'), p.marketingConsent == null ? t('unknown') : (p.marketingConsent ? t('yes') : t('no')), 'consent'],
      [t('source'), shop ? shop + ' · ' + customer : customer, 'source'], [t('memberId'), member.memberId, 'memberId'],
    ]);

    // Tier and benefits.
    const tier = member.tier;
    document.getElementById('tier-badge').textContent = tier ? tier.name : '';
    document.getElementById('tier-badge').dataset.tier = tier ? tier.id : '';
    const progress = [];
    if (tier && tier.nextTierName) progress.push(t('toNext', tier.measure === 'spend' ? money(tier.toNextTier) : tier.toNextTier, tier.measure, tier.nextTierName));
    else if (tier) progress.push(t('topTier'));
    if (tier && tier.reviewOn) progress.push(t('review', tier.reviewOn));
    if (tier && tier.graceUntil) progress.push(t('grace', tier.graceUntil));
    document.getElementById('tier-progress').textContent = progress.join(' · ');
    const seg = activity.segment;
    dl('segment-list', seg ? [
      [t('segmentValue'), t('seg-' + seg.value), 'segmentValue'], [t('segmentBehaviour'), t('seg-' + seg.behaviour), 'segmentBehaviour'],
      [t('rfm'), String(seg.recency) + String(seg.frequency) + String(seg.monetary), 'rfm'],
      [t('lifetimeValue'), money(seg.lifetimeValue) + ' ' + (program.currency ?? ''), 'lifetimeValue'],
    ] : [[t('segment'), t('notScored'), 'segment']]);
    document.querySelector('#benefits tbody').replaceChildren(...member.benefits.map(b => row([
      b.name, { text: b.used, class: 'num' }, { text: b.remaining ?? t('unlimited'), class: 'num remaining' }, b.resetsOn,
      el('button', { type: 'button', text: t('useBenefit'), 'aria-label': t('useBenefit') + ': ' + b.name, onclick: () => act(base + '/benefits/' + encodeURIComponent(b.benefitId) + '/uses', { requestId: requestId() }) }),
    ], { 'data-benefit': b.benefitId })));

    // Purchases.
    const period = document.getElementById('period').value;
    const since = new Date();
    if (period !== 'all') since.setMonth(since.getMonth() - Number(period));
    const orders = activity.orders.filter(o => period === 'all' || new Date(o.placedOn) >= since);
    document.querySelector('#orders tbody').replaceChildren(...orders.map(o => row([
      o.placedOn, o.orderId, { text: money(o.orderTotal), class: 'num' }, { text: o.pointsEarned, class: 'num' },
      { text: o.cancelled ? '100%' : Math.round(o.refundedShare * 100) + '%', class: 'num' },
    ], { 'data-order': o.orderId })));
    drawCharts();

    // Points and rewards.
    const expiring = Object.fromEntries(activity.expiring.map(w => [w.days, w.points]));
    dl('points-list', [
      [t('balance'), member.balance, 'balance'], [t('pending'), member.pendingPoints, 'pending'],
      [t('expiringIn', 30), expiring[30], 'expiring30'], [t('expiringIn', 60), expiring[60], 'expiring60'], [t('expiringIn', 90), expiring[90], 'expiring90'],
      [t('pointsUsed'), member.lifetimeRedeemed, 'pointsUsed'], [t('lifetimeEarned'), member.lifetimeEarned, 'lifetimeEarned'],
    ]);
    document.querySelector('#lots tbody').replaceChildren(...member.lots.map(l => row([l.expiresOn, { text: l.points, class: 'num' }])));
    const rewardNames = Object.fromEntries(program.rewards.map(r => [r.id, r.name]));
    document.querySelector('#redemptions tbody').replaceChildren(...activity.redemptions.map(r => row([
      day(r.redeemedAt), rewardNames[r.rewardId] ?? r.rewardId, r.code, { text: r.pointsSpent, class: 'num' }, r.reversed ? t('yesReversed') : '',
    ])));
    const select = document.getElementById('redeem-reward');
    const chosen = select.value;
    select.replaceChildren(...program.rewards.filter(r => !r.tiers || r.tiers.includes(tier ? tier.id : null))
      .map(r => el('option', { value: r.id, text: r.name + ' (' + r.pointsCost + ')' })));
    if (chosen) select.value = chosen;
    document.querySelector('#history tbody').replaceChildren(...member.history.entries.map(h => row([
      day(h.at), h.kind, { text: h.points, class: 'num' }, h.reason ?? '', h.actor ?? '',
    ], { 'data-kind': h.kind })));

    // Feedback, service records, referrals, messages.
    dl('feedback-list', [[t('satisfaction') + ' (' + t('latest') + ')', activity.lastSatisfaction ?? '', 'satisfaction'], [t('nps') + ' (' + t('latest') + ')', activity.lastNps ?? '', 'nps']]);
    document.querySelector('#feedback-table tbody').replaceChildren(...activity.feedback.map(f => row([
      day(f.at), { text: f.satisfaction ?? '', class: 'num' }, { text: f.nps ?? '', class: 'num' }, f.text ?? '',
    ])));
    document.querySelector('#service-table tbody').replaceChildren(...activity.serviceRecords.map(s => row([day(s.at), t(s.kind), s.text ?? '', s.status])));
    document.getElementById('referrals').textContent = activity.referredBy ? t('referredBy', activity.referredBy) : t('noReferral');
    document.querySelector('#messages tbody').replaceChildren(...activity.messages.map(m => row([day(m.createdAt), m.kind, m.text ?? (m.points != null ? String(m.points) : '')])));
  }

  function drawCharts() {
    if (typeof Chart === 'undefined') return;
    const trend = { labels: activity.spendByMonth.map(m => m.month), datasets: [{ label: t('spend'), data: activity.spendByMonth.map(m => m.spend), borderColor: '#1f3a5f', tension: 0.2 }] };
    const mix = { labels: activity.spendByCategory.map(c => c.category), datasets: [{ label: t('spend'), data: activity.spendByCategory.map(c => c.spend) }] };
    for (const [id, type, data] of [['trend', 'line', trend], ['mix', 'doughnut', mix]]) {
      if (charts[id]) charts[id].destroy();
      charts[id] = new Chart(document.getElementById(id), { type, data, options: { responsive: true, maintainAspectRatio: true, animation: false, plugins: { legend: { display: type !== 'line' } } } });
    }
  }

  async function act(path, body) {
    try {
      await api(path, { method: 'POST', body });
      status(t('saved'));
      await load();
    } catch (err) {
      status(t('failed', err.message));
    }
  }

  document.getElementById('period').addEventListener('change', render);
  document.getElementById('adjust').addEventListener('submit', e => {
    e.preventDefault();
    act('/api/admin/members/' + encodeURIComponent(memberId) + '/adjustments', {
      points: Number(document.getElementById('adjust-points').value), reason: document.getElementById('adjust-reason').value, actor: 'console', requestId: requestId(),
    }).then(() => e.target.reset());
  });
  document.getElementById('redeem').addEventListener('submit', e => {
    e.preventDefault();
    act(base + '/redemptions', { rewardId: document.getElementById('redeem-reward').value, requestId: requestId() });
  });
  document.getElementById('feedback-form').addEventListener('submit', e => {
    e.preventDefault();
    const s = document.getElementById('fb-satisfaction').value;
    const n = document.getElementById('fb-nps').value;
    const text = document.getElementById('fb-text').value;
    act(base + '/feedback', { requestId: requestId(), satisfaction: s ? Number(s) : null, nps: n ? Number(n) : null, text: text || null }).then(() => e.target.reset());
  });
  document.getElementById('service-form').addEventListener('submit', e => {
    e.preventDefault();
    act(base + '/service-records', {
      requestId: requestId(), kind: document.getElementById('sr-kind').value, status: document.getElementById('sr-status').value, summary: document.getElementById('sr-summary').value,
    }).then(() => e.target.reset());
  });
  rerender = render;
  await load();
}

document.addEventListener('DOMContentLoaded', () => {
  languageSwitch();
  applyText();
  const page = document.body.dataset.page;
  const run = page === 'members' ? membersPage : page === 'member' ? memberPage : page === 'import' ? importPage : page === 'reports' ? reportsPage : async () => signInPage();
  run().then(() => document.body.setAttribute('data-ready', 'true')).catch(err => status(err.message));
});
