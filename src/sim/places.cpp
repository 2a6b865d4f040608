#include "sim/places.h"

namespace tocsin::sim {

const std::map<std::string, LatLon>& BuiltinPlaces() {
  static const std::map<std::string, LatLon> kPlaces = {
      // Ukraine: cities
      {"Kyiv", {50.4501, 30.5234}}, {"Kharkiv", {49.9935, 36.2304}}, {"Odesa", {46.4825, 30.7233}},
      {"Dnipro", {48.4647, 35.0462}}, {"Zaporizhzhia", {47.8388, 35.1396}}, {"Lviv", {49.8397, 24.0297}},
      {"Mykolaiv", {46.9750, 31.9946}}, {"Kherson", {46.6354, 32.6169}}, {"Poltava", {49.5883, 34.5514}},
      {"Sumy", {50.9077, 34.7981}}, {"Chernihiv", {51.4982, 31.2893}}, {"Vinnytsia", {49.2331, 28.4682}},
      {"Khmelnytskyi", {49.4230, 26.9871}}, {"Ternopil", {49.5535, 25.5948}}, {"Rivne", {50.6199, 26.2516}},
      {"Lutsk", {50.7472, 25.3254}}, {"Ivano-Frankivsk", {48.9226, 24.7111}}, {"Uzhhorod", {48.6208, 22.2879}},
      {"Chernivtsi", {48.2921, 25.9358}}, {"Zhytomyr", {50.2547, 28.6587}}, {"Cherkasy", {49.4444, 32.0598}},
      {"Kropyvnytskyi", {48.5079, 32.2623}}, {"Kryvyi Rih", {47.9105, 33.3918}}, {"Izmail", {45.3516, 28.8365}},
      {"Pivdennyi", {46.6226, 31.1013}}, {"Chornomorsk", {46.3017, 30.6569}}, {"Bila Tserkva", {49.7968, 30.1311}},
      {"Kremenchuk", {49.0659, 33.4204}}, {"Starokostiantyniv", {49.7570, 27.2200}}, {"Myrhorod", {49.9680, 33.6090}},
      {"Pavlohrad", {48.5350, 35.8700}}, {"Kramatorsk", {48.7389, 37.5848}}, {"Sloviansk", {48.8530, 37.6050}},
      {"Brovary", {50.5110, 30.7909}}, {"Boryspil", {50.3450, 30.9550}}, {"Fastiv", {50.0760, 29.9180}},
      {"Burshtyn", {49.2600, 24.6300}}, {"Kovel", {51.2150, 24.7110}}, {"Shostka", {51.8660, 33.4800}},
      {"Konotop", {51.2400, 33.2000}}, {"Nikopol", {47.5710, 34.3960}}, {"Kupiansk", {49.7100, 37.6150}},
      {"Bilhorod-Dnistrovskyi", {46.1900, 30.3450}}, {"Reni", {45.4560, 28.2830}}, {"Ochakiv", {46.6120, 31.5470}},
      {"Uman", {48.7484, 30.2218}}, {"Chuhuiv", {49.8350, 36.6880}}, {"Balakliia", {49.4600, 36.8600}},
      {"Lozova", {48.8890, 36.3170}}, {"Bohodukhiv", {50.1650, 35.5270}}, {"Zolochiv", {50.2800, 35.9800}},
      // Black Sea / Sea of Azov waypoints
      {"Zmiinyi Island", {45.2550, 30.2040}}, {"Black Sea off Odesa", {46.1000, 31.1000}},
      {"Black Sea west", {45.2000, 31.2000}}, {"Black Sea central", {44.3000, 32.5000}},
      {"Tendra Spit", {46.2700, 31.7500}}, {"Kinburn Spit", {46.5600, 31.5200}},
      {"Black Sea Novorossiysk", {44.5000, 37.6000}}, {"Black Sea south of Crimea", {43.9000, 34.0000}},
      // Crimea and occupied south
      {"Chauda", {45.0200, 35.8300}}, {"Cape Chauda", {45.0000, 35.8500}}, {"Cape Tarkhankut", {45.3500, 32.5000}},
      {"Sevastopol", {44.6166, 33.5254}}, {"Saky", {45.0930, 33.5950}}, {"Dzhankoi", {45.7090, 34.3930}},
      {"Yevpatoriia", {45.1900, 33.3670}}, {"Feodosiia", {45.0320, 35.3820}}, {"Melitopol", {46.8489, 35.3653}},
      // Russia: launch areas and airbases
      {"Belgorod", {50.5997, 36.5983}}, {"Shebekino", {50.4000, 36.8900}}, {"Valuyki", {50.2100, 38.1000}},
      {"Kursk", {51.7304, 36.1926}}, {"Kursk Khalino", {51.7500, 36.2960}}, {"Bryansk", {53.2436, 34.3634}},
      {"Navlya", {52.8300, 34.5000}}, {"Oryol", {52.9703, 36.0635}}, {"Voronezh", {51.6608, 39.2003}},
      {"Millerovo", {48.9220, 40.3980}}, {"Primorsko-Akhtarsk", {46.0500, 38.1700}}, {"Yeysk", {46.7110, 38.2740}},
      {"Taganrog", {47.2362, 38.8969}}, {"Rostov-on-Don", {47.2357, 39.7015}}, {"Engels", {51.4800, 46.2100}},
      {"Volgodonsk", {47.5130, 42.1510}}, {"Caspian launch area", {45.5000, 48.5000}}, {"Lipetsk", {52.6300, 39.4500}},
      {"Savasleyka", {55.4400, 42.3100}}, {"Tambov", {52.7210, 41.4520}}, {"Morozovsk", {48.3130, 41.7910}},
      {"Smolensk", {54.7818, 32.0401}}, {"Shatalovo", {54.3400, 32.4700}},
      // Israel
      {"Tel Aviv", {32.0853, 34.7818}}, {"Jerusalem", {31.7683, 35.2137}}, {"Haifa", {32.7940, 34.9896}},
      {"Be'er Sheva", {31.2520, 34.7915}}, {"Ashkelon", {31.6688, 34.5743}}, {"Ashdod", {31.8044, 34.6553}},
      {"Sderot", {31.5250, 34.5967}}, {"Netivot", {31.4200, 34.5900}}, {"Ofakim", {31.3130, 34.6200}},
      {"Kiryat Gat", {31.6100, 34.7640}}, {"Rishon LeZion", {31.9640, 34.8040}}, {"Rehovot", {31.8940, 34.8110}},
      {"Petah Tikva", {32.0870, 34.8870}}, {"Netanya", {32.3215, 34.8532}}, {"Beit Shemesh", {31.7470, 34.9880}},
      {"Nevatim", {31.2080, 35.0120}}, {"Dimona", {31.0700, 35.0330}}, {"Eilat", {29.5577, 34.9519}},
      {"Kiryat Shmona", {33.2070, 35.5700}}, {"Nahariya", {33.0060, 35.0950}}, {"Tiberias", {32.7940, 35.5310}},
      {"Kfar Aza", {31.4840, 34.5340}}, {"Nir Oz", {31.3100, 34.4000}}, {"Zikim", {31.6080, 34.5230}},
      {"Yavne", {31.8780, 34.7390}}, {"Kiryat Malakhi", {31.7320, 34.7460}}, {"Holon", {32.0100, 34.7790}},
      // Gaza launch areas
      {"Beit Hanoun", {31.5370, 34.5370}}, {"Beit Lahia", {31.5500, 34.5000}}, {"Jabalia", {31.5300, 34.4830}},
      {"Gaza City", {31.5017, 34.4668}}, {"Deir al-Balah", {31.4170, 34.3500}}, {"Khan Yunis", {31.3460, 34.3030}},
      {"Rafah", {31.2870, 34.2530}},
      // Lebanon
      {"Tyre", {33.2700, 35.2030}}, {"Nabatieh", {33.3780, 35.4840}}, {"Bint Jbeil", {33.1200, 35.4330}},
      // Iran, Iraq, Yemen, Jordan
      {"Tabriz", {38.0800, 46.2919}}, {"Kermanshah", {34.3142, 47.0650}}, {"Khorramabad", {33.4878, 48.3558}},
      {"Hamadan", {34.7990, 48.5150}}, {"Isfahan", {32.6546, 51.6680}}, {"Shiraz", {29.5918, 52.5837}},
      {"Dezful", {32.3810, 48.4010}}, {"Ilam", {33.6370, 46.4220}}, {"Sanaa", {15.3694, 44.1910}},
      {"Hodeidah", {14.7980, 42.9540}}, {"Baghdad", {33.3152, 44.3661}}, {"Rutba", {33.0380, 40.2840}},
      {"Amman", {31.9454, 35.9284}}, {"Jordan east", {32.0000, 37.5000}}, {"Red Sea north", {27.5000, 34.5000}},
  };
  return kPlaces;
}

}  // namespace tocsin::sim
