"""reports: the district's view (服务效能, 送文化下乡 coverage), built only from the facts the other services
publish."""
