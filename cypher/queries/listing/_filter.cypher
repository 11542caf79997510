// Fragment: entity `n` passes the filter $dnf, a list of conjunctions in disjunctive normal form;
// each predicate is {prop, op, value, neg} (store/listing.py); an empty $dnf passes everything.
// A predicate on a missing property is false (then negated when neg), never null.
(size($dnf) = 0 OR any(conj IN $dnf WHERE all(p IN conj WHERE coalesce(
        CASE p.op
          WHEN 'EQ' THEN n[p.prop] = p.value
          WHEN 'NE' THEN n[p.prop] <> p.value
          WHEN 'LT' THEN n[p.prop] < p.value
          WHEN 'LTE' THEN n[p.prop] <= p.value
          WHEN 'GT' THEN n[p.prop] > p.value
          WHEN 'GTE' THEN n[p.prop] >= p.value
          WHEN 'IN' THEN n[p.prop] IN p.value
          WHEN 'CONTAINS' THEN n[p.prop] CONTAINS p.value
          WHEN 'STARTS_WITH' THEN n[p.prop] STARTS WITH p.value
          WHEN 'ENDS_WITH' THEN n[p.prop] ENDS WITH p.value
          WHEN 'MATCHES' THEN n[p.prop] =~ p.value
          WHEN 'HAS' THEN p.value IN n[p.prop]
          WHEN 'EXISTS' THEN n[p.prop] IS NOT NULL
        END, false) <> p.neg)))
