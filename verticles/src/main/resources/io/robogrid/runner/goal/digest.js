// Reads the page into a compact digest of what a person could act on (what is out of sight is left out). Each element gets a reference (a
// data-robogrid-ref attribute, valid until the page changes) for acting on it now, and a best-effort stable CSS
// selector plus its role, name and label for recognising it on a later run. Bounded: at most `max` elements, short texts.
(max) => {
  const clip = (s, n) => (s || '').replace(/\s+/g, ' ').trim().slice(0, n);
  const esc = (s) => (window.CSS && CSS.escape) ? CSS.escape(s) : s.replace(/[^A-Za-z0-9_-]/g, '\\$&');
  const unique = (sel) => { try { return document.querySelectorAll(sel).length === 1; } catch (e) { return false; } };
  const shown = (el) => {
    if (el.closest('[hidden],[aria-hidden="true"],[inert]')) return false;
    const r = el.getBoundingClientRect();
    const st = getComputedStyle(el);
    return r.width > 0 && r.height > 0 && st.visibility !== 'hidden' && st.display !== 'none' && parseFloat(st.opacity || '1') > 0.05;
  };
  const roleOf = (el) => {
    const r = el.getAttribute('role');
    if (r) return r;
    const t = el.tagName.toLowerCase(), type = (el.getAttribute('type') || '').toLowerCase();
    if (t === 'a') return 'link';
    if (t === 'button' || t === 'summary') return 'button';
    if (t === 'select') return 'combobox';
    if (t === 'textarea') return 'textbox';
    if (t === 'input') {
      if (['button', 'submit', 'reset', 'image'].includes(type)) return 'button';
      if (type === 'checkbox') return 'checkbox';
      if (type === 'radio') return 'radio';
      return 'textbox';
    }
    return 'button';
  };
  const labelOf = (el) => {
    const by = el.getAttribute('aria-labelledby');
    if (by) {
      const t = by.split(/\s+/).map(id => document.getElementById(id)).filter(Boolean).map(x => x.innerText).join(' ');
      if (t.trim()) return clip(t, 80);
    }
    if (el.labels && el.labels.length) return clip(Array.from(el.labels).map(l => l.innerText).join(' '), 80);
    const wrap = el.closest('label');
    if (wrap) return clip(wrap.innerText, 80);
    // a label-like text just before the field (a <dt>, a <span> in the same row)
    const prev = el.previousElementSibling;
    if (prev && ['LABEL', 'SPAN', 'DT', 'B', 'STRONG', 'P', 'DIV'].includes(prev.tagName) && prev.innerText && prev.innerText.length < 60) return clip(prev.innerText, 80);
    return '';
  };
  const nameOf = (el, label) => {
    const aria = el.getAttribute('aria-label');
    if (aria) return clip(aria, 80);
    const t = el.tagName.toLowerCase();
    if (t === 'input' && ['button', 'submit', 'reset'].includes((el.type || '').toLowerCase())) return clip(el.value, 80);
    if (t === 'input' || t === 'select' || t === 'textarea') return label || clip(el.getAttribute('placeholder') || el.getAttribute('title') || el.getAttribute('name'), 80);
    const img = el.querySelector('img[alt]');
    return clip(el.innerText || (img && img.alt) || el.getAttribute('title') || '', 80);
  };
  const stable = (el) => {
    const t = el.tagName.toLowerCase();
    if (el.id && /^[A-Za-z][\w-]*$/.test(el.id) && !/\d{3,}/.test(el.id) && unique('#' + esc(el.id))) return '#' + esc(el.id);
    for (const a of ['data-testid', 'data-test', 'name']) {
      const v = el.getAttribute(a);
      if (v) { const s = t + '[' + a + '="' + v.replace(/"/g, '\\"') + '"]'; if (unique(s)) return s; }
    }
    const path = [];
    for (let x = el; x && x.nodeType === 1 && x !== document.body; x = x.parentElement) {
      let i = 1;
      for (let s = x.previousElementSibling; s; s = s.previousElementSibling) if (s.tagName === x.tagName) i++;
      path.unshift(x.tagName.toLowerCase() + ':nth-of-type(' + i + ')');
    }
    return 'body > ' + path.join(' > ');
  };
  const modal = (el) => !!el.closest('dialog[open],[role="dialog"],[role="alertdialog"],[aria-modal="true"],.modal,.cookie-banner,#cookie-banner,[class*="cookie"],[id*="cookie"],[class*="consent"]');
  const query = 'a[href],button,input:not([type="hidden"]),select,textarea,summary,[role="button"],[role="link"],[role="checkbox"],'
      + '[role="radio"],[role="menuitem"],[role="tab"],[role="option"],[onclick],[contenteditable="true"]';
  document.querySelectorAll('[data-robogrid-ref]').forEach(e => e.removeAttribute('data-robogrid-ref'));
  const elements = [];
  let n = 0, total = 0;
  for (const el of document.querySelectorAll(query)) {
    total++;
    if (elements.length >= max) continue;
    let node = el;
    if (!shown(el)) {
      // a box styled away behind its label is ticked through the label; anything else out of sight is left out
      const lab = (el.type === 'checkbox' || el.type === 'radio') ? ((el.labels && el.labels[0]) || el.closest('label')) : null;
      if (!lab || !shown(lab)) continue;
      node = lab;
    }
    const visible = true;
    const ref = 'e' + (++n);
    node.setAttribute('data-robogrid-ref', ref);
    const label = labelOf(el);
    const t = el.tagName.toLowerCase();
    const e = {ref, tag: node === el ? t : 'label', role: roleOf(el), name: nameOf(el, label), label, selector: stable(el),
      type: (t === 'button' ? el.type : (el.getAttribute('type') || '').toLowerCase()) || null, // a form's button with no type sends it hidden: !visible,
      disabled: !!(el.disabled || el.getAttribute('aria-disabled') === 'true'), inModal: modal(el)};
    const ph = el.getAttribute('placeholder'); if (ph) e.placeholder = clip(ph, 60);
    const nm = el.getAttribute('name'); if (nm) e.fieldName = clip(nm, 60);
    if (el.id) e.id = clip(el.id, 60);
    if (el.required || el.getAttribute('aria-required') === 'true') e.required = true;
    if (el.type === 'checkbox' || el.type === 'radio') e.checked = !!el.checked;
    if (t === 'input' || t === 'textarea') e.filled = (el.value || '').length > 0; // never the value itself: it may be a secret
    if (t === 'select') {
      e.options = Array.from(el.options).slice(0, 30).map(o => clip(o.text, 40));
      e.selected = el.selectedIndex >= 0 ? clip(el.options[el.selectedIndex].text, 40) : null;
    }
    if (t === 'a') { try { const u = new URL(el.href, location.href); e.href = u.origin === location.origin ? u.pathname + u.search : u.href.slice(0, 120); } catch (x) {} }
    const form = el.form || el.closest('form');
    if (form) e.form = form.id || form.getAttribute('name') || ('form' + Array.from(document.forms).indexOf(form));
    elements.push(e);
  }
  const headings = Array.from(document.querySelectorAll('h1,h2,h3,[role="heading"]')).filter(shown).slice(0, 12).map(h => clip(h.innerText, 80));
  const text = clip(document.body ? document.body.innerText : '', 1500);
  return {url: location.href, title: clip(document.title, 120), headings, text, elements, total};
}
