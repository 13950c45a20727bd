-- tidings schema, version 6: what older versions stored unbounded is bounded as new writes are
-- (model::bounds, issue #17). One-line fields keep their first thousand characters; links that
-- do not go to the web (`javascript:`, `data:`, `file:` from an imported newsboat cache) go.

UPDATE feeds SET title = substr(title, 1, 1000) || '…' WHERE length(title) > 1000;
UPDATE feeds SET user_title = substr(user_title, 1, 1000) || '…' WHERE length(user_title) > 1000;
UPDATE feeds SET site_url = NULL
    WHERE site_url NOT LIKE 'http://%' AND site_url NOT LIKE 'https://%';
UPDATE entries SET title = substr(title, 1, 1000) || '…' WHERE length(title) > 1000;
UPDATE entries SET author = substr(author, 1, 1000) || '…' WHERE length(author) > 1000;
UPDATE entries SET guid = substr(guid, 1, 1000) || '…' WHERE length(guid) > 1000;
UPDATE entries SET link = NULL WHERE link NOT LIKE 'http://%' AND link NOT LIKE 'https://%';
