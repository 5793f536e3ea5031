namespace Assemble.Domain.Members;

/// <summary>Japan's 47 prefectures in JIS X 0401 order, plus <see cref="Overseas"/>.</summary>
public enum Prefecture
{
    Hokkaido = 1, Aomori, Iwate, Miyagi, Akita, Yamagata, Fukushima,
    Ibaraki, Tochigi, Gunma, Saitama, Chiba, Tokyo, Kanagawa,
    Niigata, Toyama, Ishikawa, Fukui, Yamanashi, Nagano, Gifu, Shizuoka, Aichi,
    Mie, Shiga, Kyoto, Osaka, Hyogo, Nara, Wakayama,
    Tottori, Shimane, Okayama, Hiroshima, Yamaguchi,
    Tokushima, Kagawa, Ehime, Kochi,
    Fukuoka, Saga, Nagasaki, Kumamoto, Oita, Miyazaki, Kagoshima, Okinawa,
    Overseas = 99,
}
