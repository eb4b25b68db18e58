/**
 * Short posts (1–8 words) in 12 languages, written for this test in the style of care posts, to
 * measure language ID where it is hardest. Used by language.test.ts and `npm run analyze:lang`.
 */
export const SHORT_POSTS: Record<string, string[]> = {
  en: ['where is my order?', 'still waiting for a refund', 'thanks, that worked!', 'app keeps crashing', 'nobody answers the phone',
    'can I change my seat?', 'my package never arrived', 'worst service ever', 'any update on this?', 'please call me back'],
  es: ['¿dónde está mi pedido?', 'sigo esperando el reembolso', 'gracias, ya funciona', 'la aplicación no funciona', 'nadie contesta el teléfono',
    'quiero cambiar mi asiento', 'mi paquete nunca llegó', 'pésimo servicio', '¿alguna novedad?', 'por favor llámenme'],
  fr: ['où est ma commande ?', "j'attends toujours le remboursement", 'merci, ça marche !', "l'application plante sans arrêt", 'personne ne répond au téléphone',
    'je veux changer de siège', "mon colis n'est jamais arrivé", 'service nul', 'des nouvelles ?', 'rappelez-moi svp'],
  de: ['wo ist meine Bestellung?', 'warte immer noch auf die Erstattung', 'danke, hat geklappt!', 'die App stürzt ständig ab', 'niemand geht ans Telefon',
    'kann ich meinen Sitzplatz ändern?', 'mein Paket kam nie an', 'schlechtester Service überhaupt', 'gibt es Neuigkeiten?', 'bitte ruft mich zurück'],
  it: ["dov'è il mio ordine?", 'aspetto ancora il rimborso', 'grazie, funziona!', "l'app continua a bloccarsi", 'nessuno risponde al telefono',
    'posso cambiare posto?', 'il mio pacco non è mai arrivato', 'servizio pessimo', 'novità?', 'per favore richiamatemi'],
  pt: ['cadê meu pedido?', 'ainda esperando o reembolso', 'obrigado, funcionou!', 'o aplicativo não para de travar', 'ninguém atende o telefone',
    'posso trocar meu assento?', 'minha encomenda nunca chegou', 'péssimo atendimento', 'alguma novidade?', 'por favor me liguem'],
  nl: ['waar blijft mijn bestelling?', 'wacht nog steeds op mijn geld', 'bedankt, het werkt!', 'de app crasht steeds', 'niemand neemt de telefoon op',
    'kan ik van stoel wisselen?', 'mijn pakket is nooit aangekomen', 'slechtste service ooit', 'al nieuws?', 'bel me alsjeblieft terug'],
  pl: ['gdzie jest moje zamówienie?', 'nadal czekam na zwrot', 'dzięki, działa!', 'aplikacja ciągle się zawiesza', 'nikt nie odbiera telefonu',
    'czy mogę zmienić miejsce?', 'paczka nigdy nie dotarła', 'najgorsza obsługa', 'jakieś wieści?', 'proszę o kontakt'],
  tr: ['siparişim nerede?', 'hâlâ iade bekliyorum', 'teşekkürler, oldu!', 'uygulama sürekli çöküyor', 'kimse telefonu açmıyor',
    'koltuğumu değiştirebilir miyim?', 'kargom hiç gelmedi', 'berbat hizmet', 'bir gelişme var mı?', 'lütfen beni arayın'],
  ru: ['где мой заказ?', 'всё ещё жду возврат', 'спасибо, заработало!', 'приложение постоянно вылетает', 'никто не берёт трубку',
    'можно поменять место?', 'посылка так и не пришла', 'ужасный сервис', 'есть новости?', 'перезвоните мне, пожалуйста'],
  uk: ['де моє замовлення?', 'досі чекаю на повернення', 'дякую, запрацювало!', 'застосунок постійно вилітає', 'ніхто не бере слухавку',
    'чи можна змінити місце?', 'посилка так і не прийшла', 'жахливий сервіс', 'є новини?', 'передзвоніть мені, будь ласка'],
  ja: ['注文はどこですか？', 'まだ返金を待っています', 'ありがとう、直りました', 'アプリが落ちます', '誰も電話に出ない',
    '座席を変更できますか', '荷物が届きません', '最悪のサービス', '何か進展は？', '折り返し電話ください'],
};
