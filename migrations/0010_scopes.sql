-- Scopes split so that one access table can say what each role holds: keys that could read
-- analytics could read visitor tracking, keys that could start analytics recomputations could
-- start recommendation rebuilds, and user admins managed the snippet's write keys.
UPDATE api_keys SET scopes = scopes || ' visitors:read'
  WHERE ' ' || scopes || ' ' LIKE '% analytics:read %';
UPDATE api_keys SET scopes = scopes || ' recommendations:write'
  WHERE ' ' || scopes || ' ' LIKE '% analytics:write %';
UPDATE api_keys SET scopes = scopes || ' tracking:read tracking:admin'
  WHERE ' ' || scopes || ' ' LIKE '% users:admin %';
UPDATE api_keys SET scopes = scopes || ' customers:privacy customers:erase'
  WHERE ' ' || scopes || ' ' LIKE '% customers:write %' AND ' ' || scopes || ' ' LIKE '% customers:read %';
