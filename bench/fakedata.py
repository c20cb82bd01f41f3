"""Realistic, reproducible Japanese residents for the benchmarks.

Common surnames and given names with their readings (including 髙 and 﨑,
which only cp932's IBM extensions hold), birth dates over a century in the
formats registry exports use, and addresses in an invented city.
"""

import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import jaconv

SURNAMES = (
    "佐藤:サトウ 鈴木:スズキ 高橋:タカハシ 髙橋:タカハシ 田中:タナカ 伊藤:イトウ "
    "渡辺:ワタナベ 渡邊:ワタナベ 山本:ヤマモト 中村:ナカムラ 小林:コバヤシ "
    "加藤:カトウ 吉田:ヨシダ 山田:ヤマダ 佐々木:ササキ 山口:ヤマグチ 松本:マツモト "
    "井上:イノウエ 木村:キムラ 林:ハヤシ 斎藤:サイトウ 清水:シミズ 山崎:ヤマザキ "
    "山﨑:ヤマザキ 森:モリ 池田:イケダ 橋本:ハシモト 阿部:アベ 石川:イシカワ "
    "山下:ヤマシタ 中島:ナカジマ 石井:イシイ 小川:オガワ 前田:マエダ 岡田:オカダ "
    "長谷川:ハセガワ 藤田:フジタ 後藤:ゴトウ 近藤:コンドウ 村上:ムラカミ "
    "遠藤:エンドウ 青木:アオキ 坂本:サカモト 斉藤:サイトウ 福田:フクダ 太田:オオタ "
    "西村:ニシムラ 藤井:フジイ 金子:カネコ 岡本:オカモト 藤原:フジワラ 中野:ナカノ "
    "三浦:ミウラ 原田:ハラダ 松田:マツダ 竹内:タケウチ 小野:オノ 田村:タムラ "
    "中山:ナカヤマ 和田:ワダ 石田:イシダ 森田:モリタ 上田:ウエダ 原:ハラ "
    "柴田:シバタ 酒井:サカイ 工藤:クドウ 横山:ヨコヤマ 宮崎:ミヤザキ 宮本:ミヤモト "
    "内田:ウチダ 高木:タカギ 安藤:アンドウ 島田:シマダ 谷口:タニグチ 大野:オオノ "
    "丸山:マルヤマ 今井:イマイ 河野:コウノ 藤本:フジモト 村田:ムラタ 武田:タケダ "
    "上野:ウエノ 杉山:スギヤマ 増田:マスダ 小山:コヤマ 大塚:オオツカ 平野:ヒラノ "
    "菅原:スガワラ 久保:クボ 松井:マツイ 千葉:チバ 岩崎:イワサキ 桜井:サクライ "
    "木下:キノシタ 野口:ノグチ 松尾:マツオ 菊地:キクチ 野村:ノムラ 新井:アライ"
)
GIVEN_NAMES = (
    "花子:ハナコ 一郎:イチロウ 太郎:タロウ 美咲:ミサキ 健太:ケンタ 翔太:ショウタ "
    "陽菜:ヒナ 結衣:ユイ 大翔:ヒロト 蓮:レン 悠真:ユウマ 湊:ミナト 陽翔:ハルト "
    "蒼:アオイ 凛:リン 結菜:ユイナ 葵:アオイ 芽依:メイ 紬:ツムギ さくら:サクラ "
    "和子:カズコ 幸子:サチコ 節子:セツコ 弘:ヒロシ 茂:シゲル 清:キヨシ 誠:マコト "
    "隆:タカシ 浩:ヒロシ 修:オサム 恵子:ケイコ 裕子:ユウコ 由美子:ユミコ "
    "直美:ナオミ 智子:トモコ 拓也:タクヤ 大輔:ダイスケ 直樹:ナオキ 達也:タツヤ "
    "愛:アイ 彩:アヤ 舞:マイ 優子:ユウコ 真由美:マユミ 久美子:クミコ 明美:アケミ "
    "亮:リョウ 学:マナブ 健一:ケンイチ 秀樹:ヒデキ 陽子:ヨウコ 千尋:チヒロ 優:ユウ "
    "颯太:ソウタ 樹:イツキ 悠人:ユウト 莉子:リコ 美羽:ミウ 心春:コハル 杏:アン "
    "正雄:マサオ 勝:マサル 昭:アキラ 進:ススム 稔:ミノル 洋子:ヨウコ 京子:キョウコ"
)
TOWNS = [
    "中央",
    "港町",
    "緑町",
    "本町",
    "栄町",
    "旭町",
    "若葉台",
    "桜ケ丘",
    "東雲",
    "浜田",
    "新町",
    "宮前",
    "北原",
    "南台",
    "西浦",
    "青葉",
    "高砂",
    "朝日",
    "松が丘",
    "川端",
]
CITY = "かもめ市"
ERAS = (
    (date(2019, 5, 1), "令和"),
    (date(1989, 1, 8), "平成"),
    (date(1926, 12, 25), "昭和"),
    (date(1912, 7, 30), "大正"),
)
OLDEST = date(1925, 4, 1)
# A registry exports one format; these shares are cells fixed by hand in Excel.
FULL_WIDTH_SPACE_SHARE = 0.10
HALF_WIDTH_KANA_SHARE = 0.05
ISO_DATE_SHARE = 0.05
ERA_DATE_SHARE = 0.05
YOUNGEST = date(2025, 3, 31)


def _pairs(spec: str) -> list[tuple[str, str]]:
    return [tuple(item.split(":")) for item in spec.split()]  # type: ignore[misc]


@dataclass(frozen=True, slots=True)
class Resident:
    full_name: str
    furigana: str
    birth_date: date
    address: str


class Residents:
    """A seeded stream of residents; the same seed gives the same people."""

    def __init__(self, seed: int = 2026) -> None:
        self.random = random.Random(seed)
        self.surnames = _pairs(SURNAMES)
        self.given_names = _pairs(GIVEN_NAMES)
        self.days = (YOUNGEST - OLDEST).days

    def __iter__(self) -> Iterator[Resident]:
        while True:
            yield self.next()

    def next(self) -> Resident:
        pick = self.random.choice
        surname, surname_kana = pick(self.surnames)
        given, given_kana = pick(self.given_names)
        return Resident(
            full_name=f"{surname}\u3000{given}",
            furigana=f"{surname_kana} {given_kana}",
            birth_date=OLDEST + timedelta(days=self.random.randrange(self.days)),
            address=self.address(),
        )

    def address(self) -> str:
        number = self.random.randrange
        town = self.random.choice(TOWNS)
        address = f"{CITY}{town}{number(1, 6)}丁目{number(1, 30)}番{number(1, 20)}号"
        if number(5) == 0:
            address += f"\u3000かもめハイツ{number(1, 9)}0{number(1, 9)}号室"
        return address

    def registry_furigana(self, furigana: str) -> str:
        """Mostly clean katakana, some with a full-width space or in
        half-width katakana from older systems."""
        roll = self.random.random()
        if roll < FULL_WIDTH_SPACE_SHARE:
            return furigana.replace(" ", "\u3000")
        if roll < FULL_WIDTH_SPACE_SHARE + HALF_WIDTH_KANA_SHARE:
            return jaconv.z2h(furigana, kana=True, ascii=False, digit=False)
        return furigana

    def registry_date(self, born: date) -> str:
        """Mostly 1985/04/12, some 1985-04-12 or 昭和60年4月12日 (edited by hand)."""
        roll = self.random.random()
        if roll < 1 - ISO_DATE_SHARE - ERA_DATE_SHARE:
            return born.strftime("%Y/%m/%d")
        if roll < 1 - ERA_DATE_SHARE:
            return born.isoformat()
        start, era = next((s, e) for s, e in ERAS if born >= s)
        year = born.year - start.year + 1
        return f"{era}{year}年{born.month}月{born.day}日"
