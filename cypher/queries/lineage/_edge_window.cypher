// Fragment: edge `r` counts when since <= $edgeHi and until > $edgeLo; only DEPLOYED_AS edges have
// either, so the window the store sets (history, serving now, serving at asOf) filters just them.
coalesce(r.since, -1) <= $edgeHi AND coalesce(r.until, 9223372036854775807) > $edgeLo
