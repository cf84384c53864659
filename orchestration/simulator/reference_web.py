"""Embedded lists for the web side: user agents, crawlers, referrers, static assets, IP ranges."""

from __future__ import annotations

# (user agent, weight, is_mobile) of the browsers behind the cookies.
BROWSER_USER_AGENTS: tuple[tuple[str, float, bool], ...] = (
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/142.0.0.0 Safari/537.36",
        0.20,
        False,
    ),
    (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/141.0.0.0 Safari/537.36 Edg/141.0.0.0",
        0.07,
        False,
    ),
    ("Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:145.0) Gecko/20100101 Firefox/145.0", 0.05, False),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/19.1 Safari/605.1.15",
        0.09,
        False,
    ),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/142.0.0.0 Safari/537.36",
        0.07,
        False,
    ),
    ("Mozilla/5.0 (X11; Linux x86_64; rv:144.0) Gecko/20100101 Firefox/144.0", 0.02, False),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 19_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/19.1 Mobile/15E148 Safari/604.1",
        0.20,
        True,
    ),
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_6 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/18.6 Mobile/15E148 Safari/604.1",
        0.06,
        True,
    ),
    (
        "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/142.0.0.0 Mobile Safari/537.36",
        0.16,
        True,
    ),
    (
        "Mozilla/5.0 (Linux; Android 14; SAMSUNG SM-S921B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "SamsungBrowser/28.0 Chrome/130.0.0.0 Mobile Safari/537.36",
        0.04,
        True,
    ),
    (
        "Mozilla/5.0 (iPad; CPU OS 19_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/19.1 Mobile/15E148 Safari/604.1",
        0.04,
        True,
    ),
)

# User agents seen on ESP opens and clicks (mail clients and image proxies).
EMAIL_CLIENT_USER_AGENTS: tuple[tuple[str, float], ...] = (
    (
        "Mozilla/5.0 (iPhone; CPU iPhone OS 19_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Mobile/15E148",
        0.35,
    ),
    ("Mozilla/5.0 (Windows NT 5.1; rv:11.0) Gecko Firefox/11.0 (via ggpht.com GoogleImageProxy)", 0.30),
    ("Microsoft Office/16.0 (Windows NT 10.0; Microsoft Outlook 16.0.18129; Pro)", 0.12),
    ("Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)", 0.13),
    (
        "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/142.0.0.0 Mobile Safari/537.36",
        0.10,
    ),
)

# Real crawler user agents with a weight and the first two octets of an address block they crawl from.
CRAWLERS: tuple[tuple[str, float, str], ...] = (
    ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)", 0.22, "66.249"),
    (
        "Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/142.0.7444.59 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        0.12,
        "66.249",
    ),
    ("Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)", 0.12, "157.55"),
    ("Mozilla/5.0 (compatible; AhrefsBot/7.0; +http://ahrefs.com/robot/)", 0.10, "54.36"),
    ("Mozilla/5.0 (compatible; SemrushBot/7~bl; +http://www.semrush.com/bot.html)", 0.08, "85.208"),
    ("Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)", 0.06, "5.255"),
    (
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
        "Version/13.1.1 Safari/605.1.15 (Applebot/0.1; +http://www.apple.com/go/applebot)",
        0.06,
        "17.241",
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; GPTBot/1.2; +https://openai.com/gptbot)",
        0.07,
        "20.171",
    ),
    (
        "Mozilla/5.0 AppleWebKit/537.36 (KHTML, like Gecko; compatible; ClaudeBot/1.0; +claudebot@anthropic.com)",
        0.04,
        "216.73",
    ),
    ("DuckDuckBot/1.1; (+http://duckduckgo.com/duckduckbot.html)", 0.03, "20.191"),
    ("Mozilla/5.0 (compatible; Baiduspider/2.0; +http://www.baidu.com/search/spider.html)", 0.03, "116.179"),
    ("Mozilla/5.0 (compatible;PetalBot;+https://webmaster.petalsearch.com/site/petalbot)", 0.03, "114.119"),
    ("facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)", 0.04, "69.171"),
)

# Paths crawlers request besides product and category pages; probes of vulnerability scanners 404.
CRAWLER_EXTRA_PATHS: tuple[tuple[str, int], ...] = (
    ("/robots.txt", 200),
    ("/sitemap.xml", 200),
    ("/sitemap-products.xml", 200),
    ("/", 200),
    ("/wp-login.php", 404),
    ("/.env", 404),
    ("/xmlrpc.php", 404),
    ("/old-shop/index.html", 301),
)

# document.referrer of the first page of an organic session; None means direct traffic.
EXTERNAL_REFERRERS: tuple[tuple[str | None, float], ...] = (
    (None, 0.38),
    ("https://www.google.com/", 0.34),
    ("https://www.bing.com/", 0.05),
    ("https://duckduckgo.com/", 0.03),
    ("https://www.instagram.com/", 0.08),
    ("https://www.facebook.com/", 0.05),
    ("https://www.pinterest.com/", 0.03),
    ("https://www.idealo.de/", 0.04),
)

STATIC_ASSETS: tuple[str, ...] = (
    "/static/css/site.3f9a1c.css",
    "/static/js/app.7d21e0.js",
    "/static/js/vendor.a81b22.js",
    "/static/fonts/inter-var.woff2",
    "/favicon.ico",
)

# Broken links humans hit now and then (old campaigns, discontinued products, icon probes).
BROKEN_PATHS: tuple[str, ...] = (
    "/apple-touch-icon.png",
    "/apple-touch-icon-precomposed.png",
    "/c/winter-sale-2024",
    "/p/P99017",
    "/p/P98110",
    "/blog/gift-guide-2023",
)

# First octets of consumer ISP address space (any public /8 works; these avoid private ranges).
HOME_IP_FIRST_OCTETS = (
    77,
    78,
    79,
    80,
    81,
    82,
    84,
    85,
    86,
    87,
    88,
    89,
    91,
    92,
    93,
    94,
    95,
    109,
    176,
    178,
    188,
    212,
    213,
    217,
)
MOBILE_IP_FIRST_OCTETS = (37, 46, 62, 100, 102, 109, 176)

APP_PLATFORMS = ("ios", "android")
APP_VERSIONS = {"ios": ("6.4.0", "6.3.2", "6.2.0"), "android": ("6.4.1", "6.3.0", "6.1.5")}
APP_BUTTONS = ("add_to_wishlist", "share", "filter", "size_guide", "notify_me")

# Referrer of the landing page of an email click: webmail sends one, mail apps send none.
WEBMAIL_REFERRER = "https://mail.google.com/"
REFERRER_URLS: tuple[str | None, ...] = (*(url for url, _ in EXTERNAL_REFERRERS), WEBMAIL_REFERRER)
GMAIL_CLIENT = 1  # index of the Google image proxy in EMAIL_CLIENT_USER_AGENTS
