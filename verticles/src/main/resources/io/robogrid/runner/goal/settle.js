// Resolves once the page has been quiet (no DOM change) for `quietMs`, or after `maxMs` at most: a click often
// starts a render, a fetch or a delayed modal, and the next digest must see what it led to.
([quietMs, maxMs]) => new Promise(resolve => {
  let timer = setTimeout(done, quietMs);
  const stop = setTimeout(done, maxMs);
  const seen = new MutationObserver(() => { clearTimeout(timer); timer = setTimeout(done, quietMs); });
  seen.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  function done() { seen.disconnect(); clearTimeout(timer); clearTimeout(stop); resolve(true); }
})
