"""How much and how long, once: read by the models, the services, the API's schemas and the
forms of the storefronts."""

MAX_PLACE = 80
MAX_MAP_URL = 300
MAX_STORY = 4000
MAX_SHORT = 1000
MAX_SEASON = 60
MAX_CAPTION = 80
MAX_UPDATE = 500
MAX_COMMENT = 300
#: Photos on one storefront (its own, its products' and its updates' together).
MAX_STOREFRONT_PHOTOS = 30
#: Photos sent with one update or one upload.
MAX_PHOTOS_AT_ONCE = 3
STARS = range(1, 6)
