// The member's own page. It reads one member's summary with the signed link it was opened
// with, and redeems through the same link. Every value is put on the page as text.
'use strict';
(() => {
  const TEXT = {
    en: {
      title: 'My points', linkRefused: 'This link does not work: it has expired or was changed. Ask the shop for a new one.',
      points: 'Points', pointsToSpend: 'points to spend', pending: 'Pending', expiring: 'Expiring', tier: 'Tier', benefits: 'Benefits',
      rewards: 'Rewards', codes: 'My codes', loading: 'Loading…', hello: 'Hello, {0}', noExpiry: 'never expire', expiresOn: '{0} points expire on {1}',
      pendingOn: '{0} from {1}', none: 'None yet.', toNext: '{0} more {1} to reach {2}', topTier: 'You are in the top tier.',
      spend: 'spend', orders: 'orders', pointsUnit: 'points', unlimited: 'unlimited', left: '{0} of {1} left this period (resets {2})', leftUnlimited: 'unlimited',
      cost: '{0} points', redeem: 'Redeem', redeeming: 'Redeeming…', missing: '{0} more points needed', limitReached: 'Already redeemed as often as allowed',
      redeemed: 'Redeemed {0}. Your code: {1}', onItsWay: 'Redeemed {0}. Your code is on its way: it will appear under My codes.', failed: 'Not redeemed: {0}',
      ready: 'ready to use', 'on-its-way': 'on its way', used: 'used', reversed: 'cancelled, points back', refused: 'refused by the shop, points back',
      until: 'use by {0}', language: 'Language', gone: 'This link no longer works. Ask the shop for a new one.',
      signIn: 'Sign in to your account to see your points.', signInLink: 'Sign in',
    },
    zh: {
      title: '我的积分', linkRefused: '此链接无效：已过期或被修改。请向商家索取新链接。',
      points: '积分', pointsToSpend: '可用积分', pending: '待生效', expiring: '即将到期', tier: '会员等级', benefits: '权益',
      rewards: '可兑换奖励', codes: '我的兑换码', loading: '加载中…', hello: '{0}，您好', noExpiry: '永不过期', expiresOn: '{0} 积分将于 {1} 到期',
      pendingOn: '{0} 积分，{1} 生效', none: '暂无。', toNext: '再{1} {0} 即可升至{2}', topTier: '您已是最高等级。',
      spend: '消费', orders: '下单', pointsUnit: '获得积分', unlimited: '不限', left: '本期剩余 {0} / {1}（{2} 重置）', leftUnlimited: '不限次数',
      cost: '{0} 积分', redeem: '兑换', redeeming: '兑换中…', missing: '还差 {0} 积分', limitReached: '已达兑换次数上限',
      redeemed: '已兑换{0}。兑换码：{1}', onItsWay: '已兑换{0}。兑换码正在生成，稍后显示在“我的兑换码”中。', failed: '兑换失败：{0}',
      ready: '可使用', 'on-its-way': '生成中', used: '已使用', reversed: '已撤销，积分已退回', refused: '商家未接受，积分已退回',
      until: '{0} 前有效', language: '语言', gone: '此链接已失效，请向商家索取新链接。',
      signIn: '请先登录您的账户查看积分。', signInLink: '登录',
    },
  };

  let lang = localStorage.getItem('member-page-lang') || ((navigator.language || 'en').toLowerCase().startsWith('zh') ? 'zh' : 'en');
  const t = (key, ...args) => (TEXT[lang][key] ?? TEXT.en[key] ?? key).replace(/\{(\d)\}/g, (_, i) => String(args[Number(i)] ?? ''));
  const $ = (id) => document.getElementById(id);
  const link = location.search;
  const base = location.pathname.replace(/\/+$/, '');
  let summary = null;

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

  const number = (n) => new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US').format(n);
  const day = (d) => {
    if (!d) return '';
    const [y, m, dd] = d.slice(0, 10).split('-').map(Number);
    return lang === 'zh' ? `${y}年${m}月${dd}日` : new Date(Date.UTC(y, m - 1, dd)).toLocaleDateString('en-US', { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
  };
  const money = (v) => new Intl.NumberFormat(lang === 'zh' ? 'zh-CN' : 'en-US', { style: 'currency', currency: summary.currency }).format(v);

  function translate() {
    document.documentElement.lang = lang === 'zh' ? 'zh-Hans' : 'en';
    document.title = t('title');
    for (const node of document.querySelectorAll('[data-t]')) node.textContent = t(node.dataset.t);
    const other = lang === 'zh' ? 'en' : 'zh';
    $('lang').replaceChildren(el('button', {
      type: 'button', lang: other === 'zh' ? 'zh-Hans' : 'en', 'aria-label': t('language'), text: other === 'zh' ? '中文' : 'English',
      onclick: () => { lang = other; localStorage.setItem('member-page-lang', lang); translate(); if (summary) render(); },
    }));
  }

  function list(id, items) {
    $(id).replaceChildren(...(items.length ? items : [el('li', { class: 'note', text: t('none') })]));
  }

  function render() {
    const s = summary;
    $('balance').textContent = number(s.balance);
    document.querySelector('dd[data-key=pending]').textContent = s.pending.length
      ? s.pending.map((p) => t('pendingOn', number(p.points), day(p.activatesOn))).join('; ') : number(s.pendingPoints);
    list('expiring', s.expiring.map((l) => el('li', { 'data-expires': l.expiresOn ?? '' },
      el('span', { class: 'what', text: l.expiresOn ? t('expiresOn', number(l.points), day(l.expiresOn)) : `${number(l.points)} · ${t('noExpiry')}` }))));

    const tier = s.tier;
    $('tier-name').textContent = tier ? tier.name : '';
    if (tier && tier.nextThreshold != null) {
      const span = tier.nextThreshold - tier.threshold;
      $('tier-progress').value = span > 0 ? Math.min(100, Math.max(0, ((tier.qualifying - tier.threshold) / span) * 100)) : 100;
      const measure = tier.measure.toLowerCase();
      const amount = measure === 'spend' ? money(tier.toNextTier) : number(tier.toNextTier);
      $('tier-next').textContent = t('toNext', amount, t(measure === 'points' ? 'pointsUnit' : measure), tier.nextTierName);
    } else {
      $('tier-progress').value = 100;
      $('tier-next').textContent = tier ? t('topTier') : '';
    }

    list('benefits', s.benefits.map((b) => el('li', { 'data-benefit': b.benefitId },
      el('span', { class: 'what', text: b.name }),
      el('span', { class: 'note', text: b.quota == null ? t('leftUnlimited') : t('left', number(b.remaining), number(b.quota), day(b.resetsOn)) }))));

    list('rewards', s.rewards.map((r) => {
      const why = r.canRedeem ? null : r.reason === 'limit-reached' ? t('limitReached') : t('missing', number(r.pointsMissing));
      return el('li', { 'data-reward': r.id },
        el('span', { class: 'what' }, el('strong', { text: r.name }), document.createTextNode(' · '), el('span', { class: 'cost', text: t('cost', number(r.pointsCost)) })),
        r.canRedeem
          ? el('button', { type: 'button', class: 'redeem', 'data-reward': r.id, text: t('redeem'), onclick: (e) => redeem(r, e.currentTarget) })
          : el('span', { class: 'note', text: why }));
    }));

    list('codes', s.codes.map((c) => el('li', { 'data-request': c.requestId, 'data-status': c.status },
      el('span', { class: 'what' }, el('strong', { text: c.rewardName }), el('br'), c.code ? el('span', { class: 'code', text: c.code }) : el('span', { class: 'note', text: '—' })),
      el('span', { class: `tag ${c.status}`, text: t(c.status) }),
      c.expiresAt && c.status === 'ready' ? el('span', { class: 'note', text: t('until', day(c.expiresAt)) }) : '')));
  }

  async function load() {
    $('status').textContent = t('loading');
    const response = await fetch(`${base}/summary${link}`, { headers: { accept: 'application/json' }, cache: 'no-store' });
    if (!response.ok) {
      $('page').hidden = true;
      $('status').textContent = '';
      $('refused').hidden = false;
      return false;
    }
    summary = await response.json();
    $('status').textContent = summary.firstName ? t('hello', summary.firstName) : '';
    render();
    $('page').hidden = false;
    return true;
  }

  function newRequestId() {
    const bytes = crypto.getRandomValues(new Uint8Array(12));
    return 'page-' + Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  async function redeem(reward, button) {
    for (const b of document.querySelectorAll('button.redeem')) b.disabled = true;
    button.textContent = t('redeeming');
    const result = $('redeem-result');
    result.hidden = true;
    result.className = '';
    let answer = null;
    let body = null;
    try {
      answer = await fetch(`${base}/redemptions${link}`, {
        method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ rewardId: reward.id, requestId: newRequestId() }),
      });
      body = await answer.json();
    } catch {
      body = null;
    }
    if (answer && (answer.status === 201 || answer.status === 200)) {
      result.textContent = t('redeemed', reward.name, body.code);
      result.dataset.code = body.code;
    } else if (answer && answer.status === 202) {
      result.textContent = t('onItsWay', reward.name);
    } else {
      result.className = 'failed';
      result.textContent = answer && (answer.status === 401 || answer.status === 403) ? t('gone') : t('failed', (body && body.detail) || (answer ? answer.status : '—'));
    }
    result.hidden = false;
    await load();
    document.body.dataset.redeemed = String(Number(document.body.dataset.redeemed || 0) + 1);
  }

  translate();
  if (document.body.dataset.link === 'sign-in') {
    // Opened from the shop (its app proxy) with nobody signed in.
    $('sign-in').hidden = false;
    document.body.dataset.ready = 'true';
  } else if (document.body.dataset.link !== 'ok') {
    $('refused').hidden = false;
    document.body.dataset.ready = 'true';
  } else {
    load().finally(() => { document.body.dataset.ready = 'true'; });
  }
})();
