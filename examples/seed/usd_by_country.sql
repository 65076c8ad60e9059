-- lakeloop: materialize
SELECT country, count(*) AS transactions, round(sum(usd), 2) AS usd
FROM euro_selection
GROUP BY country
ORDER BY usd DESC
