/* ecrm tracking snippet. Paste into every page of the shop:
 *   <script async src="https://CRM-HOST/t.js" data-key="WRITE_KEY"></script>
 * Calls made before it loads can be queued: window.ecrm = window.ecrm || []; ecrm.push(['identify', 'C-42']).
 * API: ecrm.track(type, props), ecrm.identify(customerExternalId, traits), ecrm.page(props),
 * ecrm.productView(props), ecrm.search(query, props), ecrm.addToCart(props),
 * ecrm.removeFromCart(props), ecrm.checkout(step, props), ecrm.purchase(props), ecrm.flush(),
 * ecrm.follow({sku} or {category: slug}), ecrm.unfollow(same): an identified visitor follows a
 * product or category (told of a new version, a return to stock, a price drop),
 * ecrm.recommend(target, {limit, locale, label}, callback): the visitor's recommendations shown
 * in `target` (an element or a CSS selector) as ul.ecrm-recs > li.ecrm-rec[data-sku] with
 * .ecrm-rec-name, .ecrm-rec-price and .ecrm-rec-reason (worded in English or Chinese after the
 * locale or the page's lang); callback(data) gets {source, items} (items' reasons as data:
 * {kind, product_names, viewed});
 * returns a promise of the data (null on failure).
 * ecrm.configure(productId, selections, callback): prices and checks a configuration of a
 * configurable product (build to order); selections: the chosen options' ids (or
 * {options: [ids], quantity}); callback(quote) gets {product_id, currency, base_price,
 * options_total, unit_price, quantity, total, valid, options (the chosen options), problems
 * (every broken rule: {code, field, message, group_id, option_id, rule_id})}, or
 * (null, error) where error is {status, code, message, field}; returns a promise of the quote
 * (null on failure).
 * ecrm.configurator(target, productId, opts): the option groups with the live price, drawn by
 * /configurator.js (loaded on first use; its header says more).
 * Product props: {sku, name, price (minor units), quantity, currency}. No dependencies. */
(function (w, d) {
  'use strict';
  var pre = w.ecrm;
  if (pre && pre.loaded) return;
  var script = d.currentScript || d.querySelector('script[src*="/t.js"][data-key]');
  var key = script && script.getAttribute('data-key');
  if (!key) return;
  var base = script.getAttribute('data-endpoint') || script.src.replace(/\/t\.js([?#].*)?$/, '');
  var url = base + '/api/v1/events?key=' + encodeURIComponent(key);
  var STANDARD = ['page_view', 'product_view', 'search', 'add_to_cart', 'remove_from_cart',
    'checkout_step', 'purchase', 'identify'];
  var STORE = '_ecrm_q';
  var queue = [], timer = 0, sending = false, backoff = 1000, inflight = null;

  function rnd(n) {
    var a = new Uint8Array(n), s = '';
    (w.crypto || w.msCrypto).getRandomValues(a);
    for (var i = 0; i < n; i++) s += (a[i] % 36).toString(36);
    return s;
  }
  function cookie(name) {
    var m = d.cookie.match(new RegExp('(?:^|; )' + name + '=([^;]*)'));
    return m ? decodeURIComponent(m[1]) : '';
  }
  function setCookie(name, value) {
    d.cookie = name + '=' + encodeURIComponent(value) + '; path=/; max-age=63072000; SameSite=Lax' +
      (location.protocol === 'https:' ? '; Secure' : '');
  }
  var aid = cookie('_ecrm_aid');
  if (!aid) aid = rnd(22);
  setCookie('_ecrm_aid', aid);

  // Unsent events of earlier pages (the browser went away before they were delivered).
  try {
    var kept = JSON.parse(localStorage.getItem(STORE) || '[]');
    if (kept.length) queue = kept.slice(-500);
    localStorage.removeItem(STORE);
  } catch (e) { /* storage unavailable */ }

  function keep() {
    try { if (queue.length) localStorage.setItem(STORE, JSON.stringify(queue.slice(-500))); } catch (e) { }
  }
  function schedule(ms) {
    if (!timer) timer = setTimeout(function () { timer = 0; send(); }, ms);
  }
  // Time-ordered ids keep the server's dedupe index append-only.
  function eventId() { return ('00000000' + Date.now().toString(36)).slice(-9) + '-' + rnd(14); }

  function send() {
    if (sending || !queue.length) return;
    var batch = queue.slice(0, 100);
    sending = true;
    inflight = fetch(url, { method: 'POST', body: JSON.stringify({ events: batch }), keepalive: true,
      credentials: 'omit', headers: { 'Content-Type': 'text/plain' } })
      .then(function (r) {
        sending = false;
        // 4xx other than 429: the batch will never be accepted; drop it.
        if (r.status < 500 && r.status !== 429) {
          queue.splice(0, batch.length);
          backoff = 1000;
          if (queue.length) schedule(0);
        } else {
          retry();
        }
      }, function () { sending = false; retry(); });
  }
  function retry() {
    backoff = Math.min(backoff * 2, 60000);
    schedule(backoff);
  }
  // On page hide the page may be gone before fetch completes: hand the rest to the browser.
  function flush(beacon) {
    if (!queue.length) return;
    if (beacon && navigator.sendBeacon) {
      while (queue.length) {
        var batch = queue.slice(0, 100);
        if (!navigator.sendBeacon(url, JSON.stringify({ events: batch }))) break;
        queue.splice(0, batch.length);
      }
      keep();
    } else {
      clearTimeout(timer);
      timer = 0;
      send();
    }
  }

  function track(type, props) {
    props = props || {};
    if (STANDARD.indexOf(type) < 0) {
      var custom = { name: type };
      for (var k in props) if (Object.prototype.hasOwnProperty.call(props, k)) custom[k] = props[k];
      type = 'custom';
      props = custom;
    }
    queue.push({ event_id: eventId(), type: type, anonymous_id: aid, ts: Date.now(), properties: props });
    if (queue.length > 1000) queue.splice(0, queue.length - 1000);
    if (queue.length >= 20) flush(false); else schedule(1000);
  }
  function merge(a, b) {
    var o = {}, k;
    for (k in a) o[k] = a[k];
    for (k in b || {}) o[k] = b[k];
    return o;
  }

  function money(value, currency, locale) {
    try {
      var f = new Intl.NumberFormat(locale, { style: 'currency', currency: currency });
      return f.format(value / Math.pow(10, f.resolvedOptions().maximumFractionDigits));
    } catch (e) { return (value / 100).toFixed(2) + ' ' + currency; }
  }
  // A recommendation's reason in the page's language, from its kind and the names of the
  // products it rests on ({p}); `viewed`: the visitor viewed (not bought) the first of them.
  var REASONS = {
    en: { rule: 'Often bought together with {p}', also_bought: 'Customers who bought {p} also bought this',
      viewed: 'You viewed {p}; customers who bought it also bought this', 'class': 'Popular with customers like you',
      replenish: 'Due again: you buy this regularly', popular: 'Best-seller', comma: ', ', and: ' and ' },
    zh: { rule: '\u5e38\u4e0e{p}\u4e00\u8d77\u8d2d\u4e70', also_bought: '\u8d2d\u4e70\u4e86{p}\u7684\u987e\u5ba2\u4e5f\u8d2d\u4e70\u4e86\u6b64\u5546\u54c1',
      viewed: '\u60a8\u6d4f\u89c8\u4e86{p}\uff1b\u8d2d\u4e70\u5b83\u7684\u987e\u5ba2\u4e5f\u8d2d\u4e70\u4e86\u6b64\u5546\u54c1',
      'class': '\u4e0e\u60a8\u76f8\u4f3c\u7684\u987e\u5ba2\u559c\u7231', replenish: '\u8be5\u8865\u8d27\u4e86\uff1a\u60a8\u7ecf\u5e38\u8d2d\u4e70\u6b64\u5546\u54c1',
      popular: '\u7545\u9500\u5546\u54c1', comma: '\u3001', and: '\u548c' }
  };
  function reasonText(reason, locale) {
    var texts = REASONS[/^zh/i.test(locale || '') ? 'zh' : 'en'];
    var names = (reason && reason.product_names) || [];
    var text = texts[reason && reason.viewed ? 'viewed' : reason && reason.kind] || texts.popular;
    var list = names.length > 1 ? names.slice(0, -1).join(texts.comma) + texts.and + names[names.length - 1] : names[0] || '';
    return text.replace('{p}', function () { return list; });
  }
  function part(parent, tag, cls, text) {
    var el = d.createElement(tag);
    el.className = cls;
    el.textContent = text;
    parent.appendChild(el);
  }
  // Fetched after the pending events are sent, so a view of this page counts.
  function recommend(target, opts, cb) {
    if (typeof opts === 'function') { cb = opts; opts = {}; }
    opts = opts || {};
    var el = typeof target === 'string' ? d.querySelector(target) : target;
    var locale = opts.locale || d.documentElement.lang || undefined;
    if (el) el.setAttribute('aria-busy', 'true');
    flush(false);
    return Promise.resolve(inflight).then(function () {
      return fetch(base + '/api/v1/events/recommendations?key=' + encodeURIComponent(key) +
        '&anonymous_id=' + encodeURIComponent(aid) + (opts.limit ? '&limit=' + opts.limit : ''),
        { credentials: 'omit' });
    }).then(function (r) {
      if (!r.ok) throw new Error('ecrm: ' + r.status);
      return r.json();
    }).then(function (data) {
      if (el) {
        var ul = d.createElement('ul');
        ul.className = 'ecrm-recs';
        ul.setAttribute('aria-label', opts.label || 'Recommended for you');
        data.items.forEach(function (item) {
          var li = d.createElement('li');
          li.className = 'ecrm-rec';
          li.setAttribute('data-sku', item.sku);
          part(li, 'span', 'ecrm-rec-name', item.name);
          part(li, 'span', 'ecrm-rec-price', money(item.price, item.currency, locale));
          part(li, 'small', 'ecrm-rec-reason', reasonText(item.reason, locale));
          ul.appendChild(li);
        });
        el.textContent = '';
        if (data.items.length) el.appendChild(ul);
        el.removeAttribute('aria-busy');
      }
      if (cb) cb(data);
      return data;
    }).catch(function () {
      if (el) el.removeAttribute('aria-busy');
      return null;
    });
  }

  // Build to order: the public configurator endpoints, with the write key; JSON as text/plain
  // so that no CORS pre-flight is needed.
  function productUrl(productId, what) {
    return base + '/api/v1/public/products/' + encodeURIComponent(productId) + '/' + what +
      '?key=' + encodeURIComponent(key);
  }
  function answer(r) {
    return r.json().then(function (body) {
      if (r.ok) return body;
      var err = (body && body.error) || {};
      var e = new Error(err.message || 'ecrm: ' + r.status);
      e.status = r.status;
      e.code = err.code;
      e.field = err.field;
      throw e;
    }, function () { var e = new Error('ecrm: ' + r.status); e.status = r.status; throw e; });
  }
  function failure(e) {
    return { status: e.status || 0, code: e.code || 'network_error', message: e.message, field: e.field || '' };
  }
  function configure(productId, selections, cb) {
    var body = Array.isArray(selections) ? { options: selections } : (selections || {});
    return fetch(productUrl(productId, 'configure'), { method: 'POST', credentials: 'omit',
      headers: { 'Content-Type': 'text/plain' },
      body: JSON.stringify({ options: (body.options || []).map(Number), quantity: body.quantity || 1 }) })
      .then(answer).then(function (quote) {
        if (cb) cb(quote, null);
        return quote;
      }, function (e) {
        if (cb) cb(null, failure(e));
        return null;
      });
  }
  // The configurator's widget is a script of its own (/configurator.js), loaded on first use,
  // so that pages without a configurable product do not carry it.
  var widget = null;
  function configurator(target, productId, opts) {
    if (!widget) {
      widget = new Promise(function (resolve, reject) {
        var s = d.createElement('script');
        s.src = base + '/configurator.js';
        s.async = true;
        s.onload = function () { if (w.ecrmConfigurator) resolve(w.ecrmConfigurator); else reject(); };
        s.onerror = reject;
        (d.head || d.documentElement).appendChild(s);
      });
      widget.catch(function () { widget = null; });
    }
    return widget.then(function (make) {
      return make({ d: d, configure: configure, productUrl: productUrl, answer: answer, money: money, part: part },
        target, productId, opts);
    }, function () { return null; });
  }

  var api = {
    loaded: true,
    anonymousId: function () { return aid; },
    track: track,
    identify: function (externalId, traits) {
      track('identify', { external_id: String(externalId), traits: traits || {} });
      flush(false);
    },
    page: function (props) {
      track('page_view', merge({ url: location.href, path: location.pathname, title: d.title,
        referrer: d.referrer, screen: w.screen ? w.screen.width + 'x' + w.screen.height : '' }, props));
    },
    productView: function (props) { track('product_view', props); },
    search: function (query, props) { track('search', merge({ query: String(query) }, props)); },
    addToCart: function (props) { track('add_to_cart', props); },
    removeFromCart: function (props) { track('remove_from_cart', props); },
    checkout: function (step, props) { track('checkout_step', merge({ step: step || 1 }, props)); },
    purchase: function (props) { track('purchase', props); flush(false); },
    flush: function () { flush(false); },
    follow: function (target) { track('follow', target); flush(false); },
    unfollow: function (target) { track('unfollow', target); flush(false); },
    recommend: recommend,
    configure: configure,
    configurator: configurator,
    push: function (call) { run(call); }
  };
  function run(call) {
    if (call && api[call[0]]) api[call[0]].apply(api, call.slice(1));
  }

  d.addEventListener('visibilitychange', function () { if (d.visibilityState === 'hidden') flush(true); });
  w.addEventListener('pagehide', function () { flush(true); });
  w.ecrm = api;
  if (script.getAttribute('data-auto-page') !== 'false') api.page();
  if (pre && pre.length) for (var i = 0; i < pre.length; i++) run(pre[i]);
  if (queue.length) schedule(0);
})(window, document);
