/* ecrm configurator widget, loaded by the tracking snippet (t.js) on the first call of
 * ecrm.configurator(target, productId, {locale, quantity, selected, onChange}), and given the
 * snippet's helpers (the configure call, the endpoints, money formatting). It draws the
 * product's option groups in `target` as div.ecrm-config > fieldset.ecrm-group[data-key] (radio
 * buttons or, for a multiple choice, check boxes: input.ecrm-option[value=option id]), the price
 * (.ecrm-price) and the broken rules (ul.ecrm-problems > li.ecrm-problem[data-code]) repriced
 * on each change; onChange(quote); the call returns a promise of an object with selected() and
 * quote() (null on failure). No dependencies. */
(function (w) {
  'use strict';
  function localName(item, zh) { return (zh && item.name_zh) || item.name; }
  w.ecrmConfigurator = function (kit, target, productId, opts) {
    var d = kit.d, configure = kit.configure, productUrl = kit.productUrl, answer = kit.answer;
    var money = kit.money, part = kit.part;
    opts = opts || {};
    var el = typeof target === 'string' ? d.querySelector(target) : target;
    var locale = opts.locale || d.documentElement.lang || undefined;
    var zh = /^zh/i.test(locale || '');
    var chosen = (opts.selected || []).map(Number), last = null, seq = 0, config = null;
    var price, problems;
    if (el) el.setAttribute('aria-busy', 'true');
    function selected() { return chosen.slice(); }
    function show(quote) {
      last = quote;
      price.textContent = money(quote.total, quote.currency, locale);
      price.setAttribute('data-valid', quote.valid ? 'true' : 'false');
      problems.textContent = '';
      quote.problems.forEach(function (p) {
        var li = d.createElement('li');
        li.className = 'ecrm-problem';
        li.setAttribute('data-code', p.code);
        if (p.option_id) li.setAttribute('data-option', p.option_id);
        li.textContent = p.message;
        problems.appendChild(li);
      });
      if (opts.onChange) opts.onChange(quote);
    }
    function reprice() {
      var mine = ++seq;
      el.setAttribute('aria-busy', 'true');
      return configure(productId, { options: chosen, quantity: opts.quantity || 1 }).then(function (quote) {
        if (mine !== seq) return last;
        el.removeAttribute('aria-busy');
        if (quote) show(quote);
        return quote;
      });
    }
    function render() {
      var root = d.createElement('div');
      root.className = 'ecrm-config';
      config.groups.forEach(function (group) {
        var set = d.createElement('fieldset');
        set.className = 'ecrm-group';
        set.setAttribute('data-key', group.key);
        part(set, 'legend', 'ecrm-group-name', localName(group, zh));
        group.options.forEach(function (option) {
          var label = d.createElement('label');
          label.className = 'ecrm-choice';
          var input = d.createElement('input');
          input.type = group.multiple ? 'checkbox' : 'radio';
          input.name = 'ecrm-' + productId + '-' + group.key;
          input.className = 'ecrm-option';
          input.value = String(option.id);
          input.setAttribute('data-sku', option.sku);
          input.checked = chosen.indexOf(option.id) >= 0;
          input.addEventListener('change', function () {
            chosen = chosen.filter(function (id) {
              if (id === option.id) return false;
              // A single choice replaces the group's other option.
              return group.multiple || !group.options.some(function (o) { return o.id === id; });
            });
            if (input.checked) chosen.push(option.id);
            reprice();
          });
          label.appendChild(input);
          part(label, 'span', 'ecrm-option-name', localName(option, zh));
          if (option.price_delta) {
            part(label, 'span', 'ecrm-option-delta', (option.price_delta > 0 ? '+' : '\u2212') +
              money(Math.abs(option.price_delta), config.currency, locale));
          }
          set.appendChild(label);
        });
        root.appendChild(set);
      });
      price = d.createElement('div');
      price.className = 'ecrm-price';
      root.appendChild(price);
      problems = d.createElement('ul');
      problems.className = 'ecrm-problems';
      root.appendChild(problems);
      el.textContent = '';
      el.appendChild(root);
    }
    var handle = { selected: selected, quote: function () { return last; } };
    return fetch(productUrl(productId, 'configuration'), { credentials: 'omit' }).then(answer).then(function (data) {
      config = data;
      // Without a choice of its own, a required single-choice group starts at its first option.
      if (!opts.selected) {
        config.groups.forEach(function (group) {
          if (group.required && !group.multiple && group.options.length) chosen.push(group.options[0].id);
        });
      }
      if (!el) return configure(productId, { options: chosen, quantity: opts.quantity || 1 }).then(function (q) {
        last = q;
        return handle;
      });
      render();
      return reprice().then(function () { return handle; });
    }).catch(function () {
      if (el) el.removeAttribute('aria-busy');
      return null;
    });
  };
})(window);
