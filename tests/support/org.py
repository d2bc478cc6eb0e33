"""The organisation the service-level tests share: a province, a commune and its water team, a second
commune without a staff chat, and a village group. Telegram ids are small fixed numbers."""

LAN, MINH, STRANGER = 501, 502, 503
ADMIN = 900
COMMUNE_CADRE, PROVINCE_CADRE, WATER_CADRE = 601, 602, 603
COMMUNE_CHAT, PROVINCE_CHAT, WATER_CHAT = -1001, -1002, -1003
VILLAGE = -2001

ORG = f"""
admins: [{ADMIN}]
units:
  - id: nghe-an
    name: "UBND tỉnh Nghệ An"
    locality: 40
    staff_chat: {PROVINCE_CHAT}
    officials: [{PROVINCE_CADRE}]
  - id: vinh-tuong
    name: "UBND xã Vĩnh Tường"
    locality: 17357
    parent: nghe-an
    staff_chat: {COMMUNE_CHAT}
    officials: [{COMMUNE_CADRE}]
  - id: vinh-tuong-water
    name: "Tổ nước sạch xã Vĩnh Tường"
    locality: 17357
    parent: vinh-tuong
    staff_chat: {WATER_CHAT}
    officials: [{WATER_CADRE}]
  - id: nghia-khanh
    name: "UBND xã Nghĩa Khánh"
    locality: 17032
    parent: nghe-an
routes:
  - {{locality: 17357, topic: water, unit: vinh-tuong-water}}
  - {{locality: 17357, topic: "*", unit: vinh-tuong}}
  - {{locality: 40, topic: "*", unit: nghe-an}}
groups:
  - {{chat: {VILLAGE}, locality: 17357, title: "Thôn 2 Hội Sơn"}}
"""
