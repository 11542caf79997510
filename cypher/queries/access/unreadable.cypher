// Which of $ids the caller may not read (the same rule as every list, through access/_readable).
UNWIND $ids AS id
MATCH (n:Entity {id: id})
WITH n
WHERE NOT {{> access/_readable}}
RETURN n.id AS id
